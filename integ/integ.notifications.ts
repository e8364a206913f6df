// integ-runner entry point; the scenario itself lives in ./scenarios/notifications.ts so tests can build it too.
import { notificationsScenario } from './scenarios/notifications';

notificationsScenario().app.synth();
