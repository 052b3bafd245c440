package probe

import (
	"bufio"
	"context"
	"net"
	"net/netip"
	"strings"

	"github.com/mdcheck/mdcheck/internal/probe/wire"
)

// FTP is what a probe learned of an FTP server: the features it lists
// (FEAT, RFC 2389), whether it offers TLS (AUTH TLS, RFC 4217) and,
// only when the operator allows credential tests, whether it lets in
// the anonymous user.
type FTP struct {
	Features []string `json:"features"`
	// AuthTLS is set when the server lists AUTH TLS (or AUTH SSL) among
	// its features: FTPS on request.
	AuthTLS bool `json:"authTls"`
	// Anonymous is whether the server let in the user anonymous; null
	// when credential tests were not allowed (--allow-credential-tests).
	Anonymous *bool    `json:"anonymous"`
	Weak      []string `json:"weak"`
}

// The anonymous login tried, with --allow-credential-tests only: the
// user RFC 1635 names and a password that says who asks.
const (
	ftpAnonUser = "anonymous"
	ftpAnonPass = "mdcheck-probe@"
)

// probeFTP reads the features of the FTP server at ap (FEAT) and, with
// credentials allowed, tries the anonymous login; it always ends with
// QUIT. nil when the server's replies are no FTP; AUTH TLS is judged
// missing only when FEAT had a reply.
func probeFTP(ctx context.Context, g *guard, ap netip.AddrPort, credentials bool) (*FTP, []int) {
	var seqs []int
	var out *FTP
	answered := false // FEAT had a reply
	g.exchange(ctx, ap, &seqs, func(nc net.Conn) error {
		r := bufio.NewReaderSize(nc, wire.MaxFTPReply)
		if code, _, err := wire.ReadFTPReply(r); err != nil || code != 220 {
			return wire.ErrFTP
		}
		say := func(cmd string) (int, []string, error) {
			if _, err := nc.Write([]byte(cmd + "\r\n")); err != nil {
				return 0, nil, err
			}
			return wire.ReadFTPReply(r)
		}
		defer nc.Write([]byte("QUIT\r\n"))
		out = &FTP{Features: []string{}, Weak: []string{}}
		code, lines, err := say("FEAT")
		answered = err == nil
		if err == nil && code == 211 && len(lines) > 1 {
			for _, l := range lines[1 : len(lines)-1] {
				f := strings.TrimSpace(l)
				out.Features = append(out.Features, f)
				if u := strings.ToUpper(f); strings.HasPrefix(u, "AUTH ") && (strings.Contains(u, "TLS") || strings.Contains(u, "SSL")) {
					out.AuthTLS = true
				}
			}
		}
		if !credentials {
			return nil
		}
		no := false
		out.Anonymous = &no
		code, _, err = say("USER " + ftpAnonUser)
		if err == nil && code == 331 {
			code, _, err = say("PASS " + ftpAnonPass)
		}
		if err == nil && code == 230 {
			yes := true
			out.Anonymous = &yes
		}
		return nil
	})
	if out == nil {
		return nil, seqs
	}
	if !out.AuthTLS && answered {
		out.Weak = append(out.Weak, "FTP without TLS: no AUTH TLS among its features")
	}
	if out.Anonymous != nil && *out.Anonymous {
		out.Weak = append(out.Weak, "anonymous login accepted")
	}
	return out, seqs
}
