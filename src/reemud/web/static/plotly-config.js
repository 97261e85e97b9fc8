// plotly.js settings read when it loads: no MathJax (the figures have no equations).
window.PlotlyConfig = {MathJaxConfig: "local"};
