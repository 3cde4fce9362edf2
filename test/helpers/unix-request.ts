import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { promisify } from 'node:util';

export interface PlainResponse {
  status: number;
  contentType: string;
  body: string;
}

/** An HTTP request over a Unix socket with Node's client. */
export function unixRequest(socketPath: string, method: string, path: string, body?: string): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method, path, headers: { host: 'localhost' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The same with curl, as users and DMR's docs call the socket. */
export async function curlUnix(socketPath: string, path: string): Promise<{ status: number; body: string }> {
  const { stdout } = await promisify(execFile)('curl', ['-s', '-w', '\n%{http_code}', '--unix-socket', socketPath, `http://localhost${path}`]);
  const cut = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) };
}
