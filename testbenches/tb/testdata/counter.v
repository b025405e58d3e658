// counter: an 8-bit registered counter with enable and synchronous reset.
// rst wins over en; the count wraps at 255.
module counter (
    input wire clk,
    input wire rst,
    input wire en,
    output wire [7:0] count
);
    reg [7:0] q = 8'd0;
    always @(posedge clk) begin
        if (rst)
            q <= 8'd0;
        else if (en)
            q <= q + 8'd1;
    end
    assign count = q;
endmodule
