// Preloaded with `node -r` into the Kinesis emulators: they listen on every interface by default,
// and tests must bind only to 127.0.0.1.
const net = require('net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' || typeof args[0] === 'string' && /^\d+$/.test(args[0])) {
    const port = Number(args[0]);
    const rest = args.slice(1).filter((a) => typeof a === 'function' || typeof a === 'object');
    if (typeof args[1] === 'number') rest.unshift(args[1]);  // backlog kept when no host given
    return listen.call(this, port, '127.0.0.1', ...rest.filter((a) => typeof a !== 'string'));
  }
  if (args[0] && typeof args[0] === 'object' && !Array.isArray(args[0])) {
    return listen.call(this, { ...args[0], host: '127.0.0.1' }, ...args.slice(1));
  }
  return listen.apply(this, args);
};
