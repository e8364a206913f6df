// integ-runner entry point; the scenario itself lives in ./scenarios/defaults.ts so tests can build it too.
import { defaultsScenario } from './scenarios/defaults';

defaultsScenario().app.synth();
