package shaper_test

import (
	"fmt"

	genshaper "github.com/pktnetwork/pktrouter/gen/shaper"
	model "github.com/pktnetwork/pktrouter/model/shaper"
)

// Generate one ref4 egress port's shaper and list its ports.
func ExampleNew() {
	m, err := genshaper.New(genshaper.Ref4)
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := m.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Top.Name)
	for _, p := range d.Top.Ports {
		fmt.Printf("%s[%d] ", p.Name, d.Top.Nets[p.Net].Width)
	}
	fmt.Println()
	// Output:
	// shaper_l8_buf16384_mp1536_minp64_f24_m5_tag14
	// arr_valid[1] arr_lease[3] arr_bytes[11] arr_tag[14] arr_prio[15] cfg_we[1] cfg_lease[3] cfg_rate[25] cfg_burst[15] v_valid[1] v_verdict[2] v_cause[2] v_tag[14] dep_valid[1] dep_tag[14] dep_lease[3] backlog[15]
}

// Generate the shared shaper of four ref4-sized egress ports (the
// device's sizes) and list its ports.
func ExampleNewShared() {
	c := genshaper.Config{
		Config:         model.Config{BytesPerCycle: 1, BufferBytes: 768, MaxPacketBytes: 256, Leases: 8, RateFracBits: 16, ClassMantissaBits: 5},
		MinPacketBytes: 13,
		TagBits:        10,
	}
	m, err := genshaper.NewShared(c, 4)
	if err != nil {
		fmt.Println(err)
		return
	}
	d, err := m.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Top.Name)
	for _, p := range d.Top.Ports {
		fmt.Printf("%s[%d] ", p.Name, d.Top.Nets[p.Net].Width)
	}
	fmt.Println()
	// Output:
	// shaper_p4_l8_buf768_mp256_f16_m5_tag10
	// arr_valid[1] arr_port[2] arr_lease[3] arr_bytes[9] arr_tag[10] arr_prio[15] cfg_we[1] cfg_port[2] cfg_lease[3] cfg_rate[17] cfg_burst[10] v_valid[1] v_port[2] v_verdict[2] v_cause[2] v_tag[10] backlog0[10] backlog1[10] backlog2[10] backlog3[10]
}
