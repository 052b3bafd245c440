package probe

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
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
