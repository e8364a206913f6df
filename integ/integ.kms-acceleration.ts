// integ-runner entry point; the scenario itself lives in ./scenarios/kms-acceleration.ts so tests can build it too.
import { kmsAccelerationScenario } from './scenarios/kms-acceleration';

kmsAccelerationScenario().app.synth();
