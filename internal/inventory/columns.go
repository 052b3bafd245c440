package inventory

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/mdcheck/mdcheck/internal/advisory"
)

// Field is what a column of an inventory holds.
type Field string

// The fields an inventory row is read into.
const (
	Vendor      Field = "vendor"
	Product     Field = "product"
	Model       Field = "model"
	Description Field = "description"
	Version     Field = "version"
	AssetTag    Field = "assetTag"
	Serial      Field = "serial"
	UDI         Field = "udi"
	Location    Field = "location"
	Platform    Field = "platform"
)

// Fields lists the fields in the order they are documented.
var Fields = []Field{Vendor, Product, Model, Description, Version, AssetTag, Serial, UDI, Location, Platform}

// synonyms are the header names (normalized: letters and digits only,
// lower case, diacritics folded) asset-management and network-discovery
// exports use for each field, in English, German, French, Spanish,
// Italian and Dutch.
var synonyms = map[Field][]string{
	Vendor: {"vendor", "manufacturer", "manufacturername", "mfr", "mfg", "make", "maker", "oem", "supplier", "vendorname",
		"hersteller", "herstellername", "fabricant", "fabricante", "fabbricante", "produttore", "fabrikant", "leverancier"},
	Product: {"product", "productname", "device", "devicename", "name", "assetname", "equipmentname", "produkt", "produktname",
		"geratename", "geraet", "gerat", "geratebezeichnung", "bezeichnung", "produit", "nomduproduit", "producto", "prodotto", "apparaat"},
	Model: {"model", "modelname", "modelnumber", "modelno", "modell", "modellbezeichnung", "typ", "type", "typbezeichnung",
		"modele", "modelo", "modello", "catalognumber", "catalogno", "partnumber", "referencenumber", "ref"},
	Description: {"description", "devicedescription", "beschreibung", "designation", "descripcion", "descrizione", "omschrijving"},
	Version: {"version", "softwareversion", "swversion", "sw", "swrev", "firmware", "firmwareversion", "fwversion", "fw", "fwrev",
		"softwarerevision", "revision", "release", "softwarestand", "softwareversie", "versionlogiciel", "versiondelogiciel", "versionsoftware"},
	AssetTag: {"assettag", "assetid", "assetnumber", "assetno", "asset", "id", "tag", "inventorynumber", "inventoryno", "inventoryid",
		"equipmentnumber", "equipmentid", "equipmentno", "inventarnummer", "inventarnr", "inventar", "anlagennummer", "numeroinventaire", "inventario"},
	Serial: {"serial", "serialnumber", "serialno", "sn", "snr", "seriennummer", "seriennr", "numerodeserie", "numeroserie", "numerodiserie", "serienummer"},
	UDI:    {"udi", "udidi", "udidigtin", "gtin", "deviceidentifier", "primarydi"},
	Location: {"location", "site", "department", "ward", "room", "unit", "building", "costcenter", "standort", "abteilung", "station",
		"raum", "kostenstelle", "emplacement", "ubicacion", "ubicazione", "reparto", "afdeling", "locatie"},
	Platform: {"os", "operatingsystem", "platform", "osversion", "betriebssystem", "systemedexploitation", "sistemaoperativo"},
}

// fieldOf maps a normalized header name to its field.
var fieldOf = func() map[string]Field {
	m := map[string]Field{}
	for f, names := range synonyms {
		for _, n := range names {
			m[n] = f
		}
	}
	return m
}()

// headerKey normalizes a header for comparison: letters and digits only,
// lower case, diacritics folded ("Geräte-Bezeichnung" is
// "geratebezeichnung", "S/N" is "sn").
func headerKey(h string) string {
	var b strings.Builder
	for _, r := range h {
		r = advisory.Fold(r)
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// ParseColumns reads a column mapping such as
// "vendor=Manufacturer,product=Model,version=SW Version": each field
// named at most once, with the header it is read from.
func ParseColumns(spec string) (map[Field]string, error) {
	out := map[Field]string{}
	if strings.TrimSpace(spec) == "" {
		return out, nil
	}
	for _, part := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(part, "=")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		if !ok || k == "" || v == "" {
			return nil, fmt.Errorf("column mapping %q: each entry is FIELD=HEADER, such as vendor=Manufacturer", strings.TrimSpace(part))
		}
		f, known := fieldNamed(k)
		if !known {
			names := make([]string, len(Fields))
			for i, x := range Fields {
				names[i] = string(x)
			}
			return nil, fmt.Errorf("column mapping %q: %q is not a field; the fields are %s", part, k, strings.Join(names, ", "))
		}
		if _, dup := out[f]; dup {
			return nil, fmt.Errorf("column mapping: %s is mapped twice", f)
		}
		out[f] = v
	}
	return out, nil
}

// fieldNamed finds a field by its name, case and punctuation ignored.
func fieldNamed(s string) (Field, bool) {
	k := headerKey(s)
	for _, f := range Fields {
		if headerKey(string(f)) == k {
			return f, true
		}
	}
	return "", false
}

// header is a mapped header row: which column holds each field, and the
// other columns by name.
type header struct {
	col    map[Field]int
	names  []string // every column's header as written
	mapped map[Field]string
}

// mapHeader maps a header row: an explicit mapping first (its headers
// must be there), then the synonyms for the fields not yet mapped. ok is
// false when the row maps neither a vendor nor a product, model or
// description: it is not the header.
func mapHeader(cells []string, explicit map[Field]string) (header, error, bool) {
	h := header{col: map[Field]int{}, mapped: map[Field]string{}}
	keys := make([]string, len(cells))
	for i, c := range cells {
		c = strings.TrimSpace(c)
		h.names = append(h.names, c)
		keys[i] = headerKey(c)
	}
	var missing []string
	for _, f := range Fields {
		want, ok := explicit[f]
		if !ok {
			continue
		}
		i := slices.Index(keys, headerKey(want))
		if i < 0 {
			missing = append(missing, fmt.Sprintf("%s=%s", f, want))
			continue
		}
		h.col[f], h.mapped[f] = i, h.names[i]
	}
	for i, k := range keys {
		f, ok := fieldOf[k]
		if !ok || k == "" {
			continue
		}
		if _, taken := h.col[f]; taken || slices.Contains(mappedCols(h), i) {
			continue
		}
		h.col[f], h.mapped[f] = i, h.names[i]
	}
	_, v := h.col[Vendor]
	_, p := h.col[Product]
	_, m := h.col[Model]
	_, d := h.col[Description]
	if !v || !(p || m || d) {
		if len(missing) > 0 {
			return h, fmt.Errorf("no column %s in the header", strings.Join(missing, ", ")), false
		}
		return h, nil, false
	}
	if len(missing) > 0 {
		return h, fmt.Errorf("no column %s in the header", strings.Join(missing, ", ")), false
	}
	return h, nil, true
}

func mappedCols(h header) []int {
	out := make([]int, 0, len(h.col))
	for _, i := range h.col {
		out = append(out, i)
	}
	return out
}
