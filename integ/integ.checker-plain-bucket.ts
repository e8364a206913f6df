// integ-runner entry point; the scenario itself lives in ./scenarios/checker-plain-bucket.ts so tests can build it too.
import { checkerPlainBucketScenario } from './scenarios/checker-plain-bucket';

checkerPlainBucketScenario().app.synth();
