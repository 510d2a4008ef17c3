// Runs the Bluesky reference PDS (@atproto/dev-env's TestNetworkNoAppView: a PDS on SQLite and
// an in-memory PLC directory) on loopback for the test suite. Creates no accounts or records.
//
//   node .ci/pds/start.mjs [port]        (or PDS_PORT=<port>; 0 or unset = any free port)
//
// PDS_MODULES: the node_modules `make pds` installed (default: <repo>/.venv/pds/node_modules).
// Data and blobs go under TMPDIR. When ready it prints one JSON line to stdout,
// {"url": "http://localhost:<port>", "port": <port>, "plc": "<PLC url>", "startMs": <ms>},
// and nothing else there. It stops cleanly on SIGTERM, SIGINT or when its stdin closes (so a
// test runner that dies without signalling it does not leave it behind).
import net from 'node:net'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const modules = path.resolve(process.env.PDS_MODULES || path.join(here, '../../.venv/pds/node_modules'))
const port = Number(process.argv[2] ?? process.env.PDS_PORT ?? 0)
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`start.mjs: not a port: ${process.argv[2] ?? process.env.PDS_PORT}`)
  process.exit(2)
}

let entry
try {
  entry = createRequire(path.join(modules, 'noop.js')).resolve('@atproto/dev-env')
} catch {
  console.error(`start.mjs: @atproto/dev-env is not installed in ${modules}: run \`make pds\``)
  process.exit(3)
}

// The PDS and the PLC listen on a bare port (every interface): keep them on loopback.
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && typeof args[1] !== 'string') args.splice(1, 0, '127.0.0.1')
  return listen.apply(this, args)
}

const t0 = Date.now()
const { TestNetworkNoAppView } = await import(pathToFileURL(entry).href)
const network = await TestNetworkNoAppView.create(port ? { pds: { port } } : {})

let closing = false
async function stop(reason) {
  if (closing) return
  closing = true
  try {
    await network.close()
  } catch (err) {
    console.error(`start.mjs: error while stopping (${reason}):`, err)
    process.exit(1)
  }
  process.exit(0)
}
process.on('SIGTERM', () => stop('SIGTERM'))
process.on('SIGINT', () => stop('SIGINT'))
process.stdin.on('end', () => stop('stdin closed'))
process.stdin.on('error', () => stop('stdin error'))
process.stdin.resume()

process.stdout.write(
  JSON.stringify({
    url: network.pds.url,
    port: network.pds.port,
    plc: network.plc.url,
    startMs: Date.now() - t0,
  }) + '\n',
)
