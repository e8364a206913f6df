// integ-runner entry point; the scenario itself lives in ./scenarios/probe-function.ts so tests can build it too.
import { probeFunctionScenario } from './scenarios/probe-function';

probeFunctionScenario().app.synth();
