import { mount } from "svelte";
import "@fontsource/noto-sans-devanagari/devanagari-400.css";
import "@fontsource/noto-sans-devanagari/devanagari-700.css";
import App from "./App.svelte";
import "./app.css";
import { savedLang, setLang } from "./i18n.svelte";

const target = document.getElementById("app");
if (!target) throw new Error("index.html lost its #app element");
// A window that spoke Hindi last time opens in Hindi, not in English for a moment.
await setLang(savedLang());

export default mount(App, { target });
