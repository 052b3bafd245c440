package probe

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mdcheck/mdcheck/internal/testutil/loopback"

	"github.com/mdcheck/mdcheck/internal/probe/wire"
)

// scp answers an association request from a file of testdata (an
// A-ASSOCIATE-AC, then the C-ECHO response and the release) or with the
// PDU answer gives.
func scp(t *testing.T, answer []byte) func(net.Conn) {
	rsp, err := os.ReadFile(filepath.Join("wire", "testdata", "dicom-echo-rsp-dcmtk.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return func(c net.Conn) {
		c.SetDeadline(time.Now().Add(3 * time.Second))
		r := bufio.NewReader(c)
		if kind, _, err := wire.ReadPDU(r); err != nil || kind != wire.PDUAssociateRQ {
			return
		}
		c.Write(answer)
		if answer[0] != wire.PDUAssociateAC {
			return
		}
		if kind, _, err := wire.ReadPDU(r); err == nil && kind == wire.PDUData {
			c.Write(rsp)
		}
		if kind, _, err := wire.ReadPDU(r); err == nil && kind == wire.PDUReleaseRQ {
			c.Write(wire.PDU(wire.PDUReleaseRP, make([]byte, 4)))
		}
	}
}

func probeDICOMAt(t *testing.T, port int, called string) Port {
	t.Helper()
	var dials atomic.Int32
	res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: ports(port), Declared: []Declared{{Port: port, DICOM: true}}, CalledAE: called, Dial: dialOnly(t, &dials)})
	if err != nil || len(res.Hosts[0].Ports) != 1 {
		t.Fatalf("%+v %v", res, err)
	}
	return res.Hosts[0].Ports[0]
}

// TestDICOM: services that accept any association (answering as dcmtk
// does), reject the calling or the called AE title, abort, or speak no
// DICOM.
func TestDICOM(t *testing.T) {
	ac, err := os.ReadFile(filepath.Join("wire", "testdata", "dicom-associate-ac-dcmtk.bin"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, called string
		answer       []byte
		accepted     bool
		reject       string
		weak         int
	}{
		{"accepts anyone", "", ac, true, "", 3},
		{"accepts anyone calling the right title", "STORESCP", ac, true, "", 2},
		{"checks the calling title", "", wire.PDU(wire.PDUAssociateRJ, []byte{0, 1, 1, 3}), false, "permanently rejected: calling AE title not recognized", 1},
		{"checks the called title", "", wire.PDU(wire.PDUAssociateRJ, []byte{0, 1, 1, 7}), false, "permanently rejected: called AE title not recognized", 1},
		{"aborts", "", wire.PDU(wire.PDUAbort, make([]byte, 4)), false, "aborted", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := probeDICOMAt(t, loopback.Serve(t, scp(t, tc.answer)), tc.called)
			d := p.DICOM
			if d == nil || d.Accepted != tc.accepted || d.Reject != tc.reject || len(d.Weak) != tc.weak || d.CallingAE != DefaultCallingAE {
				t.Fatalf("DICOM %+v", d)
			}
			if tc.accepted && (d.Echo != "success" || d.ImplementationClassUID != "1.2.276.0.7230010.3.0.3.6.7" || d.ImplementationVersion != "OFFIS_DCMTK_367") {
				t.Errorf("accepted: %+v", d)
			}
			if p.Service == nil || p.Service.Name != "dicom" {
				t.Errorf("service %+v", p.Service)
			}
		})
	}
	t.Run("no DICOM", func(t *testing.T) {
		t.Parallel()
		web := loopback.Serve(t, func(c net.Conn) { // silent until asked, then no DICOM
			c.SetDeadline(time.Now().Add(3 * time.Second))
			c.Read(make([]byte, 512))
			c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
		})
		if p := probeDICOMAt(t, web, ""); p.DICOM != nil || p.Banner != "" || len(p.Evidence) < 4 {
			t.Errorf("no DICOM: %+v", p)
		}
	})
}

// TestDICOMStorescp: Debian's dcmtk storescp accepts an association
// from any calling AE title to any called one, and answers C-ECHO.
func TestDICOMStorescp(t *testing.T) {
	bin := debianServer(t, "/usr/bin/storescp", "dcmtk")
	port := closedPort(t)
	cmd := exec.Command(bin, "--aetitle", "STORESCP", "--output-directory", t.TempDir(), strconv.Itoa(port))
	startListening(t, port, cmd)
	d := probeDICOMAt(t, port, "").DICOM
	if d == nil || !d.Accepted || d.Echo != "success" || !strings.HasPrefix(d.ImplementationVersion, "OFFIS_DCMTK") || len(d.Weak) != 3 {
		t.Errorf("storescp: %+v", d)
	}
}

// orthanc starts Debian's Orthanc with its DICOM service on a free
// loopback port (Orthanc listens on every address; the probe only
// reaches 127.0.0.1), checking the called AE title (ORTHANC) or not,
// over TLS (a self-signed certificate, no client certificate asked)
// or not. It returns the DICOM port.
func orthanc(t *testing.T, checkCalled, tlsOn bool) int {
	t.Helper()
	bin := debianServer(t, "/usr/sbin/Orthanc", "orthanc")
	dir := t.TempDir()
	port, httpPort := closedPort(t), closedPort(t)
	conf := map[string]any{"Name": "probe-test", "StorageDirectory": filepath.Join(dir, "db"), "IndexDirectory": filepath.Join(dir, "db"), "Plugins": []string{},
		"HttpPort": httpPort, "RemoteAccessAllowed": false, "DicomAet": "ORTHANC", "DicomPort": port, "DicomCheckCalledAet": checkCalled, "DicomAlwaysAllowEcho": true}
	if tlsOn {
		cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		c := selfSigned(t, "orthanc.test", k, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour), x509.SHA256WithRSA)
		writePEM(t, cert, "CERTIFICATE", c.Certificate[0])
		writePEM(t, key, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k))
		conf["DicomTlsEnabled"], conf["DicomTlsCertificate"], conf["DicomTlsPrivateKey"], conf["DicomTlsTrustedCertificates"], conf["DicomTlsRemoteCertificateRequired"] = true, cert, key, cert, false
	}
	b, _ := json.Marshal(conf)
	path := filepath.Join(dir, "orthanc.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	startListening(t, port, exec.Command(bin, path))
	return port
}

// TestDICOMOrthanc: Orthanc accepts an association from an AE title it
// cannot know; with DicomCheckCalledAet it refuses one to any called AE
// title but its own, and accepts one to ORTHANC.
func TestDICOMOrthanc(t *testing.T) {
	open := orthanc(t, false, false)
	d := probeDICOMAt(t, open, "").DICOM
	if d == nil || !d.Accepted || d.Echo != "success" || !strings.HasPrefix(d.ImplementationVersion, "OFFIS_DCMTK") || d.OverTLS {
		t.Errorf("called AE title not checked: %+v", d)
	}
	checking := orthanc(t, true, false)
	if d := probeDICOMAt(t, checking, "").DICOM; d == nil || d.Accepted || d.Reject != "permanently rejected: called AE title not recognized" {
		t.Errorf("called AE title checked, ANY-SCP: %+v", d)
	}
	if d := probeDICOMAt(t, checking, "ORTHANC").DICOM; d == nil || !d.Accepted || d.Echo != "success" {
		t.Errorf("called AE title checked, ORTHANC: %+v", d)
	}
}

// TestDICOMOverTLSOrthanc: a port the model declares DICOM over TLS is
// offered TLS first, then associated with inside it (under the standard
// profile, which lists the suites faster).
func TestDICOMOverTLSOrthanc(t *testing.T) {
	port := orthanc(t, false, true)
	var dials atomic.Int32
	res, err := Run(context.Background(), Options{Targets: []string{"127.0.0.1"}, Scope: []string{"127.0.0.1"}, Ports: ports(port), Profile: "standard", Declared: []Declared{{Port: port, DICOM: true, TLS: true}}, Dial: dialOnly(t, &dials)})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Hosts[0].Ports[0]
	if p.TLS == nil || !slices.ContainsFunc(p.TLS.Versions, func(v TLSVersion) bool { return v.Version == "TLS 1.3" }) || p.TLS.Certificate == nil || p.TLS.Certificate.Subject != "CN=orthanc.test" {
		t.Fatalf("TLS: %+v", p.TLS)
	}
	if d := p.DICOM; d == nil || !d.OverTLS || !d.Accepted || d.Echo != "success" {
		t.Errorf("DICOM over TLS: %+v", d)
	}
}
