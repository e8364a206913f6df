#!/usr/bin/env node
// A minimal Node custom runtime for the Lambda Runtime Interface Emulator (scripts/servers/lambda-rie.sh): no
// dependencies and no native build (aws-lambda-ric would compile curl and aws-lambda-cpp). It loops over the Runtime
// API: GET /2018-06-01/runtime/invocation/next, run the handler, POST .../response or .../error.
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
//   node lambda-bootstrap.js index.handler     (file index.js / index.mjs in LAMBDA_TASK_ROOT, export `handler`)
// The context has what Node's managed runtime gives: awsRequestId, functionName, functionVersion, memoryLimitInMB,
// invokedFunctionArn, logGroupName, logStreamName and getRemainingTimeInMillis() (from Lambda-Runtime-Deadline-Ms).
'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const API = process.env.AWS_LAMBDA_RUNTIME_API;
const BASE = '/2018-06-01/runtime';

/** One HTTP request to the Runtime API, with no timeout: GET next is a long poll that waits for the next invoke. */
function request(method, urlPath, body, headers = {}) {
  const [host, port] = API.split(':');
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), method, path: urlPath, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** `{ errorType, errorMessage, trace }`, the shape Lambda returns for a function error. */
function errorPayload(error) {
  const e = error instanceof Error ? error : new Error(String(error));
  return { errorType: e.name || 'Error', errorMessage: e.message, trace: String(e.stack || '').split('\n') };
}

async function loadHandler(spec) {
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  const dot = spec.lastIndexOf('.');
  const [moduleName, exportName] = [spec.slice(0, dot), spec.slice(dot + 1)];
  const file = ['.js', '.mjs', '.cjs'].map((ext) => path.join(root, moduleName + ext)).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`handler module ${moduleName} not found in ${root}`);
  const loaded = await import(pathToFileURL(file).href);
  const fn = loaded[exportName] ?? loaded.default?.[exportName];
  if (typeof fn !== 'function') throw new Error(`${file} does not export a function named ${exportName}`);
  return fn;
}

async function main() {
  let handler;
  try {
    handler = await loadHandler(process.argv[2] || 'index.handler');
  } catch (error) {
    const p = errorPayload(error);
    await request('POST', `${BASE}/init/error`, JSON.stringify(p), { 'Lambda-Runtime-Function-Error-Type': 'Runtime.ImportModuleError' });
    process.exit(1);
  }
  for (;;) {
    const next = await request('GET', `${BASE}/invocation/next`);
    const requestId = next.headers['lambda-runtime-aws-request-id'];
    const deadline = Number(next.headers['lambda-runtime-deadline-ms']);
    const context = {
      awsRequestId: requestId,
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION || '$LATEST',
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      invokedFunctionArn: next.headers['lambda-runtime-invoked-function-arn'],
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    try {
      const event = next.body ? JSON.parse(next.body) : {};
      const result = await handler(event, context);
      await request('POST', `${BASE}/invocation/${requestId}/response`, JSON.stringify(result === undefined ? null : result));
    } catch (error) {
      const p = errorPayload(error);
      await request('POST', `${BASE}/invocation/${requestId}/error`, JSON.stringify(p), { 'Lambda-Runtime-Function-Error-Type': p.errorType });
    }
  }
}

main().catch((error) => {
  console.error(`lambda-bootstrap: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
