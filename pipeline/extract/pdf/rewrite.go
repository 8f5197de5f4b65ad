package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/types"
)

// pdfcpu reads its configuration from a file in the user's config folder
// unless told not to; normtag never wants that.
var disablePdfcpuConfig = sync.OnceFunc(func() { model.ConfigPath = "disable" })

func pdfcpuConfig(password string) *model.Configuration {
	disablePdfcpuConfig()
	conf := model.NewDefaultConfiguration()
	conf.ValidationMode = model.ValidationRelaxed
	conf.UserPW = password
	conf.OwnerPW = password
	return conf
}

// decryptWithPdfcpu removes encryption that ledongthuc/pdf cannot undo
// (AES-256, crypt filters), with the given user password or none.
func decryptWithPdfcpu(data []byte, password string) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pdfcpu panic: %v", r)
		}
	}()
	var buf bytes.Buffer
	err = api.Decrypt(bytes.NewReader(data), &buf, pdfcpuConfig(password))
	if err != nil && strings.Contains(err.Error(), `crypt filter missing entry "Length"`) && len(data) > 8 {
		// The key length of a crypt filter may be left out (it defaults
		// to the handler's); pdfcpu insists on it except in PDF 2.0
		// files, so the header says 2.0 for this attempt (same length,
		// offsets unchanged). Callers repair the header of the output.
		as20 := bytes.Clone(data)
		copy(as20[5:8], "2.0")
		buf.Reset()
		err = api.Decrypt(bytes.NewReader(as20), &buf, pdfcpuConfig(password))
	}
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// rewriteWithPdfcpu reads the file with pdfcpu's more tolerant parser and
// writes it again, for damage our own repairs do not cover.
func rewriteWithPdfcpu(data []byte, password string) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pdfcpu panic: %v", r)
		}
	}()
	conf := pdfcpuConfig(password)
	conf.DecodeAllStreams = true
	ctx, err := api.ReadContext(bytes.NewReader(data), conf)
	if err != nil {
		return nil, err
	}
	// Write every stream pdfcpu could decode without its filters, so that
	// filters ledongthuc/pdf lacks (ASCIIHex, LZW, abbreviated names) are
	// gone from the rewrite.
	for _, e := range ctx.XRefTable.Table {
		if e == nil || e.Object == nil {
			continue
		}
		sd, ok := e.Object.(types.StreamDict)
		if !ok || sd.Content == nil || len(sd.FilterPipeline) == 0 {
			continue
		}
		sd.Raw = sd.Content
		sd.FilterPipeline = nil
		sd.Dict.Delete("Filter")
		sd.Dict.Delete("DecodeParms")
		n := int64(len(sd.Raw))
		sd.StreamLength = &n
		sd.Dict.Update("Length", types.Integer(n))
		e.Object = sd
	}
	var buf bytes.Buffer
	if err := api.WriteContext(ctx, &buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
