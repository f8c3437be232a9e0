// A TLS front for an emulator, for tests of certificate verification: terminates HTTPS with the
// given certificate and forwards each request over plain HTTP to 127.0.0.1:TARGET.
// usage: node tls-proxy.js LISTEN_PORT TARGET_PORT CERT_PEM KEY_PEM
const fs = require('fs');
const http = require('http');
const https = require('https');

const [listenPort, targetPort, certFile, keyFile] = process.argv.slice(2);
https.createServer({ cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) }, (req, res) => {
  const upstream = http.request({ host: '127.0.0.1', port: Number(targetPort), method: req.method, path: req.url,
    headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => { res.writeHead(502); res.end(); });
  req.pipe(upstream);
}).listen(Number(listenPort), '127.0.0.1');
