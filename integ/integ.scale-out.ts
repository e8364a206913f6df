// integ-runner entry point; the scenario itself lives in ./scenarios/scale-out.ts so tests can build it too.
import { scaleOutScenario } from './scenarios/scale-out';

scaleOutScenario().app.synth();
