/** @module Entry of the dashboard bundle (assets/app.js): styles, then the page into `#app`. */
import "uplot/dist/uPlot.min.css";
import "./app.css";
import { render } from "preact";
import { App } from "./app.js";

const root = document.getElementById("app");
if (root === null) throw new Error("index.html has no #app element");
render(<App />, root);
