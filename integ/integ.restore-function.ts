// integ-runner entry point; the scenario itself lives in ./scenarios/restore-function.ts so tests can build it too.
import { restoreFunctionScenario } from './scenarios/restore-function';

restoreFunctionScenario().app.synth();
