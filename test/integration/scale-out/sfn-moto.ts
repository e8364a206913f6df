/**
 * A moto server of its own for Step Functions tests, behind a loopback proxy.
 *
 * moto's Step Functions interpreter executes a definition only with `execute_state_machine` set, and its service
 * integrations call back into moto at `http://localhost:$MOTO_PORT` (moto/stepfunctions/parser/asl/utils/boto_client.py).
 * This server gets MOTO_PORT = the proxy's port, so every call a state machine makes passes through the proxy: a
 * test can count them and inject faults (503 SlowDown) before they reach moto. Its own server, because the flag and
 * the injected faults must not reach the other integration tests that share the global moto.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';

/** One request that passed through the proxy. */
export interface ProxiedRequest {
  readonly method: string;
  readonly url: string;
  readonly target: string;
}

/** What a fault hook answers instead of moto. */
export interface InjectedResponse {
  readonly status: number;
  readonly body: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const ROOT = path.join(__dirname, '..', '..', '..');

async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export class SfnMoto {
  /** Every request through the proxy, in order. */
  public readonly requests: ProxiedRequest[] = [];
  /** Return a response to answer a request here instead of moto; `undefined` forwards it. */
  public fault?: (request: ProxiedRequest) => InjectedResponse | undefined;
  /**
   * Answers Lambda Invoke requests (`POST /2015-03-31/functions/<name>/invocations`) here instead of moto, whose
   * dockerless Lambda runs no code: a local stand-in that runs the real handler (see lambda-stand-in.ts).
   */
  public lambda?: (functionName: string, payload: unknown) => Promise<InjectedResponse>;

  private constructor(
    private readonly server: ChildProcess,
    private readonly proxy: http.Server,
    /** moto's own endpoint. */
    public readonly endpoint: string,
  ) {}

  /** Starts moto (with Step Functions execution on) and the proxy; resolves when moto answers. */
  public static async start(): Promise<SfnMoto> {
    const motoPort = await freePort();
    const proxy = http.createServer();
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const proxyPort = (proxy.address() as AddressInfo).port;
    const venv = process.env.BUCKETKIT_VENV ?? path.join(ROOT, '.venv');
    const env: NodeJS.ProcessEnv = { ...process.env, MOTO_PORT: String(proxyPort) };
    for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN']) delete env[name];
    const server = spawn(path.join(venv, 'bin', 'moto_server'), ['-H', '127.0.0.1', '-p', String(motoPort)], { env, stdio: 'ignore' });
    const endpoint = `http://127.0.0.1:${motoPort}`;
    const self = new SfnMoto(server, proxy, endpoint);
    proxy.on('request', (req, res) => self.forward(req, res, motoPort));
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const r = await fetch(`${endpoint}/moto-api/config`, {
          method: 'POST',
          body: JSON.stringify({ stepfunctions: { execute_state_machine: true }, lambda: { use_docker: false } }),
        });
        if (r.ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline || server.exitCode !== null) {
        await self.stop();
        throw new Error(`moto_server did not start on ${endpoint}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return self;
  }

  /** The requests whose target (`METHOD path?query`) matches `pattern`. */
  public matching(pattern: RegExp): ProxiedRequest[] {
    return this.requests.filter((r) => pattern.test(r.target));
  }

  /** Stops the proxy and the moto server this helper started (by its pid). */
  public async stop(): Promise<void> {
    this.proxy.closeAllConnections();
    await new Promise<void>((resolve) => this.proxy.close(() => resolve()));
    if (this.server.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.server.once('exit', () => resolve()));
      this.server.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      if (this.server.exitCode === null) this.server.kill('SIGKILL');
    }
  }

  /** The proxy's endpoint: what moto's interpreter calls back into, and where a test sends requests it wants to see. */
  public get proxyEndpoint(): string {
    return `http://127.0.0.1:${(this.proxy.address() as AddressInfo).port}`;
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, motoPort: number): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', target: `${req.method} ${req.url}` };
      this.requests.push(request);
      const invocation = /^POST \/2015-03-31\/functions\/([^/]+)\/invocations/.exec(request.target);
      if (invocation && this.lambda) {
        const payload = Buffer.concat(chunks).toString('utf8');
        this.lambda(decodeURIComponent(invocation[1]), payload ? JSON.parse(payload) : {}).then(
          (answer) => {
            res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
            res.end(answer.body);
          },
          (error: unknown) => {
            res.writeHead(500, { 'content-type': 'application/json', 'x-amzn-errortype': 'ServiceException' });
            res.end(JSON.stringify({ message: String(error) }));
          },
        );
        return;
      }
      const injected = this.fault?.(request);
      if (injected) {
        res.writeHead(injected.status, { 'content-type': 'application/xml', ...injected.headers });
        res.end(injected.body);
        return;
      }
      const upstream = http.request({ host: '127.0.0.1', port: motoPort, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', (error) => {
        res.writeHead(502);
        res.end(String(error));
      });
      upstream.end(Buffer.concat(chunks));
    });
  }
}
