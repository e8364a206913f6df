/** The notifications custom-resource handler: `handler = wrap(applyNotifications)`. See core.ts. */
import { wrap } from '../shared';
import { applyNotifications } from './core';

export {
  applyNotifications,
  declaredEntries,
  declaredNotificationId,
  physicalResourceIdFor,
  withDeadline,
  DeadlineExceededError,
  NotificationsDeps,
  RESPONSE_RESERVE_MS,
  NOT_CREATED_PHYSICAL_ID,
} from './core';
export { parseNotificationsEvent, responseTargetOf, NotificationsEvent, NotificationsProperties, DeclaredNotification, REQUEST_TYPES } from './event';
export { sendResponse, responseBody, CustomResourceResponse, MAX_RESPONSE_BYTES } from './response';

/** The Lambda entry point (`index.handler`), invoked by CloudFormation for Custom::BucketkitNotifications. */
export const handler = wrap('notifications', applyNotifications);
