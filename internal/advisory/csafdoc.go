package advisory

// CSAF is what mdcheck reads of a CSAF 2.0 document: one decode serves the
// records of the vulnerability database, device-level matching and VEX.
type CSAF struct {
	Document struct {
		CSAFVersion *string `json:"csaf_version"`
		Category    *string `json:"category"`
		Title       *string `json:"title"`
		Publisher   *struct {
			Category  *string `json:"category"`
			Name      *string `json:"name"`
			Namespace *string `json:"namespace"`
		} `json:"publisher"`
		Tracking *struct {
			ID                 *string `json:"id"`
			CurrentReleaseDate *string `json:"current_release_date"`
			InitialReleaseDate *string `json:"initial_release_date"`
			Status             *string `json:"status"`
			Version            *string `json:"version"`
			RevisionHistory    []struct {
				Date    *string `json:"date"`
				Number  *string `json:"number"`
				Summary *string `json:"summary"`
			} `json:"revision_history"`
		} `json:"tracking"`
	} `json:"document"`
	ProductTree struct {
		Branches         []CSAFBranch  `json:"branches"`
		FullProductNames []CSAFProduct `json:"full_product_names"`
		Relationships    []struct {
			Category                  string      `json:"category"`
			FullProductName           CSAFProduct `json:"full_product_name"`
			ProductReference          string      `json:"product_reference"`
			RelatesToProductReference string      `json:"relates_to_product_reference"`
		} `json:"relationships"`
	} `json:"product_tree"`
	Vulnerabilities []CSAFVulnerability `json:"vulnerabilities"`
}

type CSAFBranch struct {
	Category string       `json:"category"`
	Name     string       `json:"name"`
	Product  *CSAFProduct `json:"product"`
	Branches []CSAFBranch `json:"branches"`
}

type CSAFProduct struct {
	ID     string `json:"product_id"`
	Name   string `json:"name"`
	Helper *struct {
		CPE  string `json:"cpe"`
		PURL string `json:"purl"`
	} `json:"product_identification_helper"`
}

type CSAFVulnerability struct {
	CVE           string `json:"cve"`
	Title         string `json:"title"`
	ProductStatus struct {
		KnownAffected      []string `json:"known_affected"`
		FirstAffected      []string `json:"first_affected"`
		LastAffected       []string `json:"last_affected"`
		Fixed              []string `json:"fixed"`
		FirstFixed         []string `json:"first_fixed"`
		KnownNotAffected   []string `json:"known_not_affected"`
		UnderInvestigation []string `json:"under_investigation"`
		Recommended        []string `json:"recommended"`
	} `json:"product_status"`
	Scores []struct {
		Products []string `json:"products"`
		CVSSv3   *struct {
			Version      string  `json:"version"`
			Vector       string  `json:"vectorString"`
			BaseScore    float64 `json:"baseScore"`
			BaseSeverity string  `json:"baseSeverity"`
		} `json:"cvss_v3"`
		CVSSv2 *struct {
			Vector string `json:"vectorString"`
		} `json:"cvss_v2"`
	} `json:"scores"`
	Remediations []struct {
		Category   string   `json:"category"`
		Details    string   `json:"details"`
		ProductIDs []string `json:"product_ids"`
	} `json:"remediations"`
	Flags []struct {
		Label      string   `json:"label"`
		ProductIDs []string `json:"product_ids"`
	} `json:"flags"`
	Threats []struct {
		Category   string   `json:"category"`
		Details    string   `json:"details"`
		ProductIDs []string `json:"product_ids"`
	} `json:"threats"`
}

// products maps every product ID the tree defines (in branches,
// full_product_names and relationships) to its product.
func (d *CSAF) Products() map[string]CSAFProduct {
	products := map[string]CSAFProduct{}
	var walk func([]CSAFBranch)
	walk = func(bs []CSAFBranch) {
		for _, b := range bs {
			if b.Product != nil {
				products[b.Product.ID] = *b.Product
			}
			walk(b.Branches)
		}
	}
	walk(d.ProductTree.Branches)
	for _, p := range d.ProductTree.FullProductNames {
		products[p.ID] = p
	}
	for _, r := range d.ProductTree.Relationships {
		products[r.FullProductName.ID] = r.FullProductName
	}
	return products
}
