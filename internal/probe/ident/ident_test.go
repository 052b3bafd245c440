package ident

import (
	"slices"
	"testing"
)

func TestParsePorts(t *testing.T) {
	got, err := ParsePorts("443, 22,8000-8002,22")
	if err != nil || !slices.Equal(got, []int{22, 443, 8000, 8001, 8002}) {
		t.Errorf("ParsePorts = %v, %v", got, err)
	}
	for _, bad := range []string{"", "0", "65536", "80-70", "http", "1-2-3"} {
		if _, err := ParsePorts(bad); err == nil {
			t.Errorf("ParsePorts(%q) accepted", bad)
		}
	}
}

func TestIdentify(t *testing.T) {
	for _, c := range []struct {
		port             int
		banner           string
		name, conf, prod string
	}{
		{22, "SSH-2.0-OpenSSH_8.4p1 Debian-5\r\n", "ssh", High, "OpenSSH"},
		{2222, "SSH-1.99-dropbear_2020.81\r\n", "ssh", High, "dropbear"},
		{21, "220 ProFTPD 1.3.6 Server\r\n", "ftp", High, "ProFTPD"},
		{2121, "220 ready\r\n", "ftp", Low, ""},
		{25, "220 mail.example ESMTP Postfix\r\n", "smtp", High, ""},
		{5900, "RFB 003.008\n", "vnc", High, ""},
		{104, "", "dicom", Low, ""},
		{2575, "\x0bMSH|", "hl7-mllp", Low, ""},
		{9999, "", "", "", ""},
		{9999, "hello", "unknown", Low, ""},
	} {
		s := Identify(c.port, []byte(c.banner))
		got := [3]string{}
		if s != nil {
			got = [3]string{s.Name, s.Confidence, s.Product}
		}
		if got != [3]string{c.name, c.conf, c.prod} {
			t.Errorf("Identify(%d, %q) = %v, want %v", c.port, c.banner, got, [3]string{c.name, c.conf, c.prod})
		}
	}
}

// FuzzIdentify: any banner gives a service with a known confidence, or
// none, and its printable form is bounded.
func FuzzIdentify(f *testing.F) {
	for _, s := range []string{"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u10\r\n", "220 (vsFTPd 3.0.3)\r\n", "\xff\xfd\x18", "RFB 003.008\n", "\x0b", "HTTP/1.1 200 OK\r\n", "\xc3\x28"} {
		f.Add(22, []byte(s))
	}
	f.Fuzz(func(t *testing.T, port int, b []byte) {
		if s := Identify(port, b); s != nil && s.Confidence != High && s.Confidence != Low {
			t.Errorf("confidence %q", s.Confidence)
		}
	})
}
