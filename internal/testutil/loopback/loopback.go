// Package loopback runs small TCP servers on the loopback interface for
// tests of what talks to the network: each connection is answered by a
// function of the test's, and the server stops with the test.
package loopback

import (
	"net"
	"testing"
	"time"
)

// Serve listens on a free loopback port, answers each connection with
// serve (the connection is closed when it returns) and returns the port.
func Serve(t testing.TB, serve func(net.Conn)) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				serve(c)
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// Say answers a connection with greeting, then waits up to 3 seconds for
// the peer to send or close.
func Say(greeting string) func(net.Conn) {
	return func(c net.Conn) {
		c.Write([]byte(greeting))
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		c.Read(make([]byte, 1))
	}
}
