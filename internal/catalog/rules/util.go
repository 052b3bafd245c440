package rules

import (
	"strconv"

	"github.com/mdcheck/mdcheck/internal/evidence"
)

type evidenceID = evidence.ID

func itoa(i int) string { return strconv.Itoa(i) }
