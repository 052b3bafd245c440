package wire

import (
	"bufio"
	"errors"
	"fmt"
	"strings"
)

// MaxFTPReply bounds an FTP reply read.
const MaxFTPReply = 4096

var ErrFTP = errors.New("not an FTP reply")

// ReadFTPReply reads one reply (RFC 959 section 4.2, multi-line ones
// too, within MaxFTPReply bytes): its code and its lines.
func ReadFTPReply(r *bufio.Reader) (int, []string, error) {
	var lines []string
	read, code := 0, 0
	for {
		line, err := r.ReadSlice('\n')
		read += len(line)
		if read > MaxFTPReply || errors.Is(err, bufio.ErrBufferFull) {
			return 0, nil, fmt.Errorf("%w: a reply longer than %d bytes", ErrFTP, MaxFTPReply)
		}
		if err != nil {
			return 0, nil, err
		}
		s := strings.TrimRight(string(line), "\r\n")
		lines = append(lines, s)
		if code == 0 {
			if len(s) < 3 || s[0] < '1' || s[0] > '5' || s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9' {
				return 0, nil, fmt.Errorf("%w: %.40q", ErrFTP, s)
			}
			code = int(s[0]-'0')*100 + int(s[1]-'0')*10 + int(s[2]-'0')
			if len(s) == 3 || s[3] != '-' {
				return code, lines, nil
			}
			continue
		}
		if len(s) >= 4 && s[:3] == fmt.Sprint(code) && s[3] == ' ' {
			return code, lines, nil
		}
	}
}
