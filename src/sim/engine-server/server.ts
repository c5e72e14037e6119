import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEngineSimulation, type EngineSimulation, type EngineSimulationOptions, type LoadProfile } from './load.ts';

export interface EngineServerOptions extends EngineSimulationOptions {
  /** Default `/metrics`. */
  readonly path?: string;
}

/** One simulated engine behind a real HTTP endpoint on 127.0.0.1. */
export interface EngineServer {
  readonly simulation: EngineSimulation;
  readonly host: string;
  readonly port: number;
  readonly path: string;
  /** `http://127.0.0.1:<port><path>`. */
  readonly url: string;
  /** Pages served so far. */
  scrapes(): number;
  setLoad(load: LoadProfile): void;
  advance(seconds: number): void;
  /** Advances by `everySeconds` each `everySeconds` of wall time, until the returned function is called. */
  tick(everySeconds: number): () => void;
  close(): Promise<void>;
}

export async function startEngineServer(options: EngineServerOptions): Promise<EngineServer> {
  const simulation = createEngineSimulation(options);
  const path = options.path ?? '/metrics';
  let served = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    served++;
    const body = simulation.render();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const timers = new Set<NodeJS.Timeout>();
  return {
    simulation,
    host: '127.0.0.1',
    port,
    path,
    url: `http://127.0.0.1:${String(port)}${path}`,
    scrapes: () => served,
    setLoad: (load) => {
      simulation.setLoad(load);
    },
    advance: (seconds) => {
      simulation.advance(seconds);
    },
    tick(everySeconds) {
      const timer = setInterval(() => {
        simulation.advance(everySeconds);
      }, everySeconds * 1000);
      timers.add(timer);
      return () => {
        clearInterval(timer);
        timers.delete(timer);
      };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const t of timers) clearInterval(t);
        timers.clear();
        server.closeAllConnections();
        server.close((err) => {
          if (err === undefined) resolve();
          else reject(err);
        });
      }),
  };
}
