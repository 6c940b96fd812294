import { mount } from "svelte";
import "@fontsource/noto-sans-devanagari/devanagari-400.css";
import "@fontsource/noto-sans-devanagari/devanagari-700.css";
import App from "./App.svelte";
import "./app.css";
import { locale } from "./i18n.svelte";


const target = document.getElementById("app");
if (!target) throw new Error("index.html lost its #app element");
document.documentElement.lang = locale.lang;

export default mount(App, { target });
