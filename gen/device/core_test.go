package device

import "testing"

func TestCoreBuilds(t *testing.T) {
	m, err := Core(Ref4)
	if err != nil {
		t.Fatal(err)
	}
	d, err := m.Build()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("cells %d", len(d.Flat.Cells))
}
