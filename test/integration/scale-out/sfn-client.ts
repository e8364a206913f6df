/** Step Functions calls on moto over its JSON protocol (bucketkit has no @aws-sdk/client-sfn; moto checks no signature). */

export interface ExecutionResult {
  readonly status: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly executionArn: string;
}

export class SfnClient {
  public constructor(private readonly endpoint: string) {}

  public async call<T = Record<string, unknown>>(action: string, body: unknown): Promise<T> {
    const response = await fetch(this.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `AWSStepFunctions.${action}`,
        authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/states/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${action}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  /** Creates the state machine (a fresh name each time) and returns its ARN. */
  public async create(name: string, definition: unknown): Promise<string> {
    const r = await this.call<{ stateMachineArn: string }>('CreateStateMachine', {
      name: `${name}-${Date.now().toString(36)}`,
      definition: JSON.stringify(definition),
      roleArn: 'arn:aws:iam::123456789012:role/bucketkit-scale-out-test',
    });
    return r.stateMachineArn;
  }

  /** Starts an execution and polls DescribeExecution until it leaves RUNNING (or `timeoutMs` passes). */
  public async run(stateMachineArn: string, input: unknown, timeoutMs = 120_000): Promise<ExecutionResult> {
    const name = `run-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const { executionArn } = await this.call<{ executionArn: string }>('StartExecution', { stateMachineArn, name, input: JSON.stringify(input) });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const d = await this.call<ExecutionResult>('DescribeExecution', { executionArn });
      if (d.status !== 'RUNNING') return { ...d, executionArn };
      if (Date.now() > deadline) throw new Error(`execution still RUNNING after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** The Map Runs of an execution, with their item counts. */
  public async mapRuns(executionArn: string): Promise<{ mapRunArn: string; itemCounts: Record<string, number>; status: string }[]> {
    const { mapRuns } = await this.call<{ mapRuns: { mapRunArn: string }[] }>('ListMapRuns', { executionArn });
    return Promise.all(
      mapRuns.map((m) => this.call<{ mapRunArn: string; itemCounts: Record<string, number>; status: string }>('DescribeMapRun', { mapRunArn: m.mapRunArn })),
    );
  }
}
