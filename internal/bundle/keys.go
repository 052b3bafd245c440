package bundle

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/mdcheck/mdcheck/internal/atomicfile"
	"github.com/mdcheck/mdcheck/internal/boundedio"
)

// maxKeyFile bounds a key file read: a PEM Ed25519 key is under 200
// bytes.
const maxKeyFile = 16 << 10

// Keygen writes a new Ed25519 key pair: the private key to name (PKCS #8
// PEM, readable by its owner alone, mode 0600) and the public key to
// name.pub (PKIX PEM). It refuses to replace an existing file.
func Keygen(name string, random io.Reader) error {
	if random == nil {
		random = rand.Reader
	}
	for _, p := range []string{name, name + ".pub"} {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("%s exists: mdcheck never replaces a key; remove it or choose another name", p)
		}
	}
	pub, priv, err := ed25519.GenerateKey(random)
	if err != nil {
		return err
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return err
	}
	if err := atomicfile.Write(name, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return err
	}
	return atomicfile.Write(name+".pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER}), 0o644)
}

// ReadPrivateKey reads an Ed25519 private key from a PKCS #8 PEM file.
func ReadPrivateKey(path string) (ed25519.PrivateKey, error) {
	der, err := readPEM(path, "PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: a %T, not an Ed25519 private key (mdcheck keygen makes one)", path, k)
	}
	return priv, nil
}

// ReadPublicKey reads an Ed25519 public key from a PKIX PEM file.
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	der, err := readPEM(path, "PUBLIC KEY")
	if err != nil {
		return nil, err
	}
	return parsePublic(path, der)
}

func parsePublic(path string, der []byte) (ed25519.PublicKey, error) {
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%s: a %T, not an Ed25519 public key (mdcheck keygen makes one)", path, k)
	}
	return pub, nil
}

func readPEM(path, typ string) ([]byte, error) {
	data, err := boundedio.ReadFile(path, maxKeyFile)
	if err != nil {
		return nil, err
	}
	b, _ := pem.Decode(data)
	if b == nil {
		return nil, fmt.Errorf("%s: not a PEM file", path)
	}
	if b.Type != typ {
		if typ == "PUBLIC KEY" && b.Type == "PRIVATE KEY" {
			return nil, fmt.Errorf("%s is a private key: verify takes the public one (NAME.pub)", path)
		}
		return nil, fmt.Errorf("%s: a PEM %q block, want %q", path, b.Type, typ)
	}
	return b.Bytes, nil
}

// ErrTampered is wrapped by every verification failure that shows the
// bundle was changed.
var ErrTampered = errors.New("the bundle does not match its signed manifest")

// KeyFile reads the private key in file, creating it (and file.pub) on
// first use.
func KeyFile(file string) (ed25519.PrivateKey, error) {
	if _, err := os.Stat(file); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
			return nil, err
		}
		if err := Keygen(file, nil); err != nil {
			return nil, err
		}
	}
	return ReadPrivateKey(file)
}

// PublicKeyOf is the public key of a key file: file itself when it holds
// a public key, file.pub beside a private key, or the private key's.
func PublicKeyOf(file string) (ed25519.PublicKey, error) {
	if pub, err := ReadPublicKey(file); err == nil {
		return pub, nil
	}
	if pub, err := ReadPublicKey(file + ".pub"); err == nil {
		return pub, nil
	}
	priv, err := ReadPrivateKey(file)
	if err != nil {
		return nil, err
	}
	return priv.Public().(ed25519.PublicKey), nil
}
