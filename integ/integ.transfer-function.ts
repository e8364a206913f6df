// integ-runner entry point; the scenario itself lives in ./scenarios/transfer-function.ts so tests can build it too.
import { transferFunctionScenario } from './scenarios/transfer-function';

transferFunctionScenario().app.synth();
