package app

import (
	"context"

	"github.com/mdcheck/mdcheck/internal/ifu"
	"github.com/mdcheck/mdcheck/internal/model"
)

// IFUChecklist is the security checklist of a device's instructions for
// use: every item, whether the device needs it and the model says the
// IFU states it, and what the model already knows for it.
type IFUChecklist struct {
	File         string     `json:"file"`
	Manufacturer string     `json:"manufacturer"`
	Product      string     `json:"product"`
	Items        []ifu.Item `json:"items"`
}

// Open counts the items the device needs that the IFU does not state.
func (c *IFUChecklist) Open() int {
	n := 0
	for _, it := range c.Items {
		if it.Needed && !it.Stated {
			n++
		}
	}
	return n
}

// IFU reads the device model in file and derives its IFU security
// checklist.
func (a *App) IFU(ctx context.Context, file string) (*IFUChecklist, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dev, err := model.Load(file)
	if err != nil {
		return nil, err
	}
	return &IFUChecklist{File: file, Manufacturer: dev.Identity.Manufacturer, Product: dev.Identity.Product, Items: ifu.Checklist(dev)}, nil
}
