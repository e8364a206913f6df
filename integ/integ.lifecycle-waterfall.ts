// integ-runner entry point; the scenario itself lives in ./scenarios/lifecycle-waterfall.ts so tests can build it too.
import { lifecycleWaterfallScenario } from './scenarios/lifecycle-waterfall';

lifecycleWaterfallScenario().app.synth();
