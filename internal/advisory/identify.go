package advisory

import "encoding/json"

// Identify reads an advisory document's own ID and title: an OSV
// record's id and summary, a CSAF document's tracking ID and title, a
// CVE record's ID and the title of its CNA container.
func Identify(body []byte) (id, title string) {
	var doc struct {
		ID       string `json:"id"`
		Summary  string `json:"summary"`
		Document struct {
			Title    string `json:"title"`
			Tracking struct {
				ID string `json:"id"`
			} `json:"tracking"`
		} `json:"document"`
		CVEMetadata struct {
			CVEID string `json:"cveId"`
		} `json:"cveMetadata"`
		Containers struct {
			CNA struct {
				Title string `json:"title"`
			} `json:"cna"`
		} `json:"containers"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return "", ""
	}
	switch {
	case doc.Document.Tracking.ID != "":
		return doc.Document.Tracking.ID, doc.Document.Title
	case doc.CVEMetadata.CVEID != "":
		return doc.CVEMetadata.CVEID, doc.Containers.CNA.Title
	}
	return doc.ID, doc.Summary
}
