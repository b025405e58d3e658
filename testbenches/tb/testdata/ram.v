// ram: a 16 x 32 memory with a synchronous write port and a synchronous
// (registered) read port. A read of the address being written in the same
// cycle returns the old word (read-first). Every word and the read
// register start at 0.
module ram (
    input wire clk,
    input wire we,
    input wire [3:0] waddr,
    input wire [31:0] wdata,
    input wire re,
    input wire [3:0] raddr,
    output wire [31:0] rdata
);
    reg [31:0] mem [0:15];
    reg [31:0] q = 32'd0;
    integer i;
    initial begin
        for (i = 0; i < 16; i = i + 1)
            mem[i] = 32'd0;
    end
    always @(posedge clk) begin
        if (we)
            mem[waddr] <= wdata;
        if (re)
            q <= mem[raddr];
    end
    assign rdata = q;
endmodule
