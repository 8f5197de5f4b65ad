package pdf

import (
	"context"
	"testing"
)

const sampleXMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreateDate="2021-03-04T10:00:00+01:00"/>
  <rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">
   <dc:title><rdf:Alt>
     <rdf:li xml:lang="fr-FR">Rapport national sur les normes</rdf:li>
     <rdf:li xml:lang="x-default">National report on the norms</rdf:li>
   </rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>Ministry of Foreign Affairs</rdf:li><rdf:li>National CERT</rdf:li></rdf:Seq></dc:creator>
   <dc:language><rdf:Bag><rdf:li>en</rdf:li></rdf:Bag></dc:language>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`

func TestXMPMetadata(t *testing.T) {
	got := parseXMP([]byte(sampleXMP))
	want := xmpInfo{Title: "National report on the norms", Author: "Ministry of Foreign Affairs; National CERT", Created: "2021-03-04", Lang: "en"}
	if got != want {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	// A file with XMP only (no Info dictionary) gets its metadata from it.
	data := buildPDF(
		"<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		stream("", "BT /F1 12 Tf 72 700 Td (Text) Tj ET"),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		stream("/Type /Metadata /Subtype /XML", sampleXMP),
	)
	_, info, err := Extract(context.Background(), data, Options{})
	if err != nil || info.Title != want.Title || info.Author != want.Author || info.Created != want.Created || info.Lang != "en" {
		t.Fatalf("%v %+v", err, info)
	}
	if parseXMP([]byte("<not xml")) != (xmpInfo{}) {
		t.Fatal("garbage gave metadata")
	}
}

func FuzzXMP(f *testing.F) {
	f.Add([]byte(sampleXMP))
	f.Add([]byte(`<rdf:Description dc:title="T"><dc:creator><rdf:li>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		x := parseXMP(data)
		if len(x.Created) != 0 && len(x.Created) != 10 {
			t.Fatalf("date %q", x.Created)
		}
	})
}
