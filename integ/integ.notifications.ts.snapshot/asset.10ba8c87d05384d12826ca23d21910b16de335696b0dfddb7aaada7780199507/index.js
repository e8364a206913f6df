// Placeholder for the notifications handler bundle, for synthesizing in a checkout where `npm run build` has not written
// dist/lambda/notifications/ (tests, integ snapshots, npm start). It fails every invocation, so that a deployment of it is never
// mistaken for the real handler. See integ/scenarios/common.ts (handlerBundleContext).
exports.handler = async () => {
  throw new Error('bucketkit placeholder: the notifications handler bundle was not built; run npm run build, then synthesize and deploy again');
};
