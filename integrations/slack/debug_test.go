package slack

import (
	"encoding/json"
	"fmt"
	"testing"

	"releasebot/csr"
)

func TestDebugDump(t *testing.T) {
	h := newHarness(t)
	id := csr.ID("CSR-1")
	h.slash(alice, `new billing-api "Fix rounding" --ref main --effort 4h`)
	h.settle()
	h.click(alice, h.card(id), "test")
	h.settle()
	h.slash(frank, `evidence CSR-1 https://ci.example.com/run/1 "regression suite green"`)
	h.settle()
	h.click(alice, h.card(id), "submit")
	h.settle()
	h.click(bob, h.dm(id, bob, "lead"), "approve")
	h.settle()
	b, _ := json.MarshalIndent(h.card(id).Blocks, "", " ")
	fmt.Println(string(b))
	b, _ = json.MarshalIndent(h.dm(id, carol, "sm").Blocks, "", " ")
	fmt.Println(string(b))
	for _, c := range h.fake.Calls("") {
		fmt.Println(c.Method, c.Channel, c.TS, c.Thread, c.Text)
	}
	for _, r := range h.fake.Responses() {
		fmt.Println("RESP", r.Path, responseText(r.Body))
	}
}
