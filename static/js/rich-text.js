// Publisher Portal: turn a textarea marked data-rich-text into a rich-text editor (ProseMirror through Tiptap,
// from django-prose-editor's bundle in static/vendor/prose-editor/) that offers exactly the tags the server's
// sanitiser keeps, with a counter of characters including HTML. Without JavaScript the textarea stays as it is;
// the server sanitises what it receives either way.
import {
  Bold,
  BulletList,
  Document,
  Dropcursor,
  Editor,
  Gapcursor,
  HardBreak,
  Heading,
  History,
  Italic,
  Link,
  ListItem,
  Menu,
  OrderedList,
  Paragraph,
  Text,
  Underline,
  updateAttrsDialog,
} from "../vendor/prose-editor/editor.js";

const HTTPS = /^https:\/\/[^\s/?#]+\S*$/i;
const REL = "noopener noreferrer nofollow"; // what the sanitiser puts on every link, so the count matches

// A link to an https address only, edited in a dialog that asks for the address and nothing else.
const HttpsLink = Link.extend({
  addOptions() {
    return {
      ...this.parent?.(),
      enableTarget: false,
      defaultProtocol: "https",
      isAllowedUri: (url) => HTTPS.test(url || ""),
      HTMLAttributes: { target: null, class: null }, // the rel attribute below puts REL after href, as nh3 does
    };
  },

  addAttributes() {
    const { href } = this.parent?.() ?? {};
    return { href, rel: { default: REL, parseHTML: () => REL } };
  },

  addCommands() {
    return {
      ...this.parent?.(),
      addLink:
        () =>
        ({ editor }) => {
          if (editor.state.selection.empty && !editor.isActive("link")) return false;
          const ask = updateAttrsDialog(
            { href: { type: "string", format: "url", required: true, title: "Address (https://…)" } },
            { title: "Link", submitText: "Apply" },
          );
          const answer = ask(editor, { href: editor.getAttributes("link").href || "https://" });
          const input = editor.view.dom.parentElement.querySelector(".prose-editor-dialog input[name='href']");
          const check = () =>
            input.setCustomValidity(HTTPS.test(input.value.trim()) ? "" : "Enter an address that starts with https://.");
          input.addEventListener("input", check);
          check();
          answer.then((attrs) => {
            if (attrs) editor.chain().focus().extendMarkRange("link").setLink({ href: attrs.href.trim() }).run();
          });
          return true;
        },
    };
  },
});

// A numbered list without a start or numbering style: the sanitiser keeps no attribute on <ol>.
const PlainOrderedList = OrderedList.configure({ enableListAttributes: false }).extend({
  addAttributes: () => ({}),
  addNodeView: () => null,
});

// The editor's extensions for each tag the sanitiser keeps; headings come from h2…h6.
const EXTENSIONS = {
  p: Paragraph,
  br: HardBreak,
  b: Bold,
  strong: Bold,
  i: Italic,
  em: Italic,
  u: Underline,
  ul: BulletList,
  ol: PlainOrderedList,
  li: ListItem,
  a: HttpsLink,
};

function extensionsFor(tags) {
  const chosen = new Set([Document, Text, History, Dropcursor, Gapcursor]);
  for (const tag of tags) if (EXTENSIONS[tag]) chosen.add(EXTENSIONS[tag]);
  const levels = tags.filter((tag) => /^h[2-6]$/.test(tag)).map((tag) => Number(tag.slice(1)));
  if (levels.length) chosen.add(Heading.configure({ levels: levels.sort() }));
  chosen.add(
    Menu.configure({
      groups: [{ group: "blockType -lists" }, { group: "lists" }, { group: "marks" }, { group: "link" }, { group: "history" }],
    }),
  );
  return [...chosen];
}

const characters = (text) => [...text].length; // code points, as the server counts them

function counterFor(textarea, limit) {
  const counter = document.createElement("div");
  counter.id = `${textarea.id}_counter`;
  counter.className = "form-text rich-text-counter";
  counter.dataset.testid = "rich-text-counter";
  const show = () => {
    const count = characters(textarea.value);
    const over = count - limit;
    counter.textContent =
      `${count.toLocaleString("en")} of ${limit.toLocaleString("en")} characters including HTML` +
      (over > 0 ? ` (${over.toLocaleString("en")} over the limit)` : "");
    counter.classList.toggle("text-danger", over > 0);
  };
  textarea.addEventListener("input", show);
  show();
  return counter;
}

// The label, help text and errors of the textarea describe the editor (the textarea itself is hidden).
function accessibility(textarea, counter) {
  const label = document.querySelector(`label[for="${textarea.id}"]`);
  if (label && !label.id) label.id = `${textarea.id}_label`;
  const describedBy = [textarea.getAttribute("aria-describedby"), counter.id].filter(Boolean).join(" ");
  return {
    label,
    attributes: {
      role: "textbox",
      "aria-multiline": "true",
      ...(label ? { "aria-labelledby": label.id } : {}),
      "aria-describedby": describedBy,
      ...(textarea.classList.contains("is-invalid") ? { "aria-invalid": "true" } : {}),
      class: "rich-text-content",
    },
  };
}

const BUTTON_NAMES = {
  heading2: "Heading 2",
  heading3: "Heading 3",
  heading4: "Heading 4",
  heading5: "Heading 5",
  heading6: "Heading 6",
  paragraph: "Paragraph",
  bulletList: "Bulleted list",
  orderedList: "Numbered list",
  bold: "Bold (Ctrl+B)",
  italic: "Italic (Ctrl+I)",
  underline: "Underline (Ctrl+U)",
  link: "Link (Ctrl+K)",
  unlink: "Remove link",
  "history:undo": "Undo (Ctrl+Z)",
  "history:redo": "Redo (Ctrl+Shift+Z)",
};

// The menu as one keyboard stop (the ARIA toolbar pattern): Tab enters it, the arrow keys, Home and End move
// between its buttons, Alt+F10 in the text goes to it; each button says whether it is on or unavailable.
function toolbar(editor, label) {
  const bar = editor.view.dom.parentElement.querySelector(".prose-menubar");
  if (!bar) return;
  bar.setAttribute("role", "toolbar");
  bar.setAttribute("aria-label", `${label?.textContent.trim() || "Text"} formatting`);
  const buttons = [...bar.querySelectorAll("button")];
  for (const button of buttons) {
    const name = BUTTON_NAMES[button.dataset.name];
    if (name) button.title = name;
    if (name) button.setAttribute("aria-label", name.replace(/ \(.*\)$/, ""));
  }
  const usable = () => buttons.filter((button) => button.offsetParent !== null);
  const focusable = (current) => {
    for (const button of buttons) button.tabIndex = button === current ? 0 : -1;
  };
  const refresh = () => {
    for (const button of buttons) {
      if (!/^history:|^(link|unlink)$/.test(button.dataset.name)) {
        button.setAttribute("aria-pressed", String(button.classList.contains("active")));
      }
      button.setAttribute("aria-disabled", String(button.classList.contains("disabled")));
    }
    const current = buttons.find((button) => button.tabIndex === 0);
    if (!current || current.offsetParent === null) focusable(usable()[0]);
  };
  bar.addEventListener("keydown", (event) => {
    const list = usable();
    const at = list.indexOf(document.activeElement);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: list.length - 1 }[event.key];
    if (to === undefined || at < 0) return;
    event.preventDefault();
    const next = list[(to + list.length) % list.length];
    focusable(next);
    next.focus();
  });
  bar.addEventListener("focusin", (event) => {
    if (buttons.includes(event.target)) focusable(event.target);
  });
  editor.view.dom.addEventListener("keydown", (event) => {
    if (event.altKey && event.key === "F10") {
      event.preventDefault();
      buttons.find((button) => button.tabIndex === 0)?.focus();
    }
  });
  editor.on("transaction", refresh);
  focusable(usable()[0]);
  refresh();
}

function richText(textarea) {
  const { tags, limit } = JSON.parse(textarea.dataset.richText);
  const wrapper = document.createElement("div");
  wrapper.className = "prose-editor rich-text";
  wrapper.classList.toggle("is-invalid", textarea.classList.contains("is-invalid"));
  textarea.before(wrapper);
  wrapper.append(textarea);
  const counter = counterFor(textarea, limit);
  wrapper.after(counter);
  const { label, attributes } = accessibility(textarea, counter);
  const editor = new Editor({
    element: wrapper,
    extensions: extensionsFor(tags),
    content: textarea.value,
    injectCSS: false, // the CSP allows no inline style; static/css/rich-text.css holds what Tiptap would inject
    editorProps: { attributes },
    onUpdate({ editor }) {
      const html = editor.getHTML();
      textarea.value = /^<(\w+)(\s[^>]*)?><\/\1>$/i.test(html) ? "" : html;
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
    },
  });
  label?.addEventListener("click", () => editor.commands.focus());
  editor.on("create", () => toolbar(editor, label)); // the menu exists once every extension is created
  return editor;
}

for (const textarea of document.querySelectorAll("textarea[data-rich-text]")) richText(textarea);
