import socket, sys, time, threading, subprocess, os
P1, P2, HTTP, WEB = 23401, 23402, 23403, 23404
cfg = f"""
global
    localpeer hap
    stats socket /tmp/cap/hap.sock level admin
peers mypeers
    peer hap 127.0.0.1:{P1}
    peer fjord 127.0.0.1:{P2}
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:{HTTP}
    stick-table type ip size 1k expire 30s store conn_cnt,gpc0,http_req_rate(10s) peers mypeers
    http-request track-sc0 src
    default_backend app
backend app
    stick-table type ip size 1k expire 30s peers mypeers
    stick on src
    server web1 127.0.0.1:{WEB}
    server web2 127.0.0.1:{WEB}
backend strs
    stick-table type string len 16 size 1k expire 1m store gpc0 peers mypeers
"""
open('hap.cfg','w').write(cfg)
web = socket.socket(); web.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); web.bind(('127.0.0.1', WEB)); web.listen()
def serve():
    while True:
        c,_ = web.accept(); c.recv(4096); c.sendall(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"); c.close()
threading.Thread(target=serve, daemon=True).start()
srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); srv.bind(('127.0.0.1', P2)); srv.listen()
hap = subprocess.Popen(['/usr/sbin/haproxy', '-f', 'hap.cfg', '-db'])
conn, _ = srv.accept()
conn.settimeout(0.2)
data = b''
def rd(t):
    global data
    end = time.time() + t
    while time.time() < end:
        try:
            b = conn.recv(65536)
            if not b: break
            data += b
        except socket.timeout:
            pass
rd(0.5)
print('hello', repr(data)); hello_len = len(data)
conn.sendall(b'200\n')
rd(0.3)
conn.sendall(b'\x00\x01')
rd(0.7)
open('after_hello.bin','wb').write(data[hello_len:])
mark = len(data)
subprocess.run(['curl', '-s', f'http://127.0.0.1:{HTTP}/'], check=True)
rd(1.0)
open('after_request.bin','wb').write(data[mark:]); mark = len(data)
subprocess.run(['sh','-c', 'echo "set table strs key hello data.gpc0 7" | socat - /tmp/cap/hap.sock'])
rd(1.0)
open('after_set.bin','wb').write(data[mark:]); mark = len(data)
print(subprocess.run(['sh','-c','echo "show table" | socat - /tmp/cap/hap.sock; echo "show table fe" | socat - /tmp/cap/hap.sock; echo "show table app" | socat - /tmp/cap/hap.sock'], capture_output=True, text=True).stdout)
conn.sendall(b'\x00\x04')
# second session, from us to HAProxy: ask for a full resync
c2 = socket.create_connection(('127.0.0.1', P1))
c2.settimeout(0.2)
c2.sendall(b'HAProxyS 2.1\nhap\nfjord 4242 1\n')
d2 = b''
end = time.time() + 1.5
sent = False
while time.time() < end:
    try:
        b = c2.recv(65536)
        if not b: break
        d2 += b
        if d2.startswith(b'200\n') and not sent:
            c2.sendall(b'\x00\x00'); sent = True
    except socket.timeout:
        pass
open('lesson.bin','wb').write(d2)
rd(1.0)
open('later.bin','wb').write(data[mark:])
hap.terminate(); hap.wait()
