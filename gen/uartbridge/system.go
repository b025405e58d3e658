package uartbridge

import (
	"fmt"
	"strings"

	"github.com/pktnetwork/pktrouter/gen/csr"
	"github.com/pktnetwork/pktrouter/gen/hdl"
)

// System generates the management subsystem: the bridge driving the CSR
// decoder of map m. Its ports are rx and tx plus every datapath port of the
// CSR block under the same name (configuration outputs, write strobes,
// status and counter inputs), so a device top connects the datapath to it
// and a test drives the wire and the counters.
func System(c Config, m *csr.Map) (*hdl.Module, error) {
	br, err := New(c)
	if err != nil {
		return nil, err
	}
	cm, err := m.Module()
	if err != nil {
		return nil, err
	}
	cd, err := cm.Build()
	if err != nil {
		return nil, fmt.Errorf("gen/uartbridge: CSR block: %w", err)
	}
	top := hdl.NewGenerated(generator, "mgmt", hdl.P("div", c.Divisor), hdl.P("idle", c.idleBits()), hdl.P("h", fmt.Sprintf("%08x", m.Hash)))
	ib := top.Instance("u_bridge", br)
	ic := top.Instance("u_csr", cm)
	ib.Connect("rx", top.Input("rx", 1))
	top.Output("tx", 1).Drive(ib.Out("tx"))
	for _, p := range []string{"bus_addr", "bus_wdata", "bus_we", "bus_re"} {
		ic.Connect(p, ib.Out(p))
	}
	for _, p := range []string{"bus_rdata", "bus_ready", "bus_err"} {
		ib.Connect(p, ic.Out(p))
	}
	for _, p := range cd.Top.Ports {
		if strings.HasPrefix(p.Name, "bus_") {
			continue
		}
		w := cd.Top.Nets[p.Net].Width
		if p.Dir == hdl.In {
			ic.Connect(p.Name, top.Input(p.Name, w))
		} else {
			top.Output(p.Name, w).Drive(ic.Out(p.Name))
		}
	}
	return top, nil
}
