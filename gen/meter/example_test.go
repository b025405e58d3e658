package meter_test

import (
	"fmt"

	genmeter "github.com/pktnetwork/pktrouter/gen/meter"
)

// Generate the ref4 ingress meter and list its ports.
func ExampleNewIngress() {
	m, err := genmeter.NewIngress(genmeter.Ref4)
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := m.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Top.Name, "latency", genmeter.IngressLatency)
	for _, p := range d.Top.Ports {
		fmt.Printf("%s[%d] ", p.Name, d.Top.Nets[p.Net].Width)
	}
	fmt.Println()
	// Output:
	// meter_ingress_l8_t1024_k8_bpc1_mp1536 latency 10
	// pkt_valid[1] pkt_lease[3] pkt_tc[16] pkt_bytes[11] cfg_we[1] cfg_lease[3] cfg_default[15] cfg_clear[1] cfg_limited[1] cfg_limit[27] rd_lease[3] out_valid[1] out_tc[16] rd_measured[27] rd_factor[16] rd_scaling[1] scaled_set[8]
}
