/**
 * A strict parser for the XML subset the SVG writer emits (declaration, elements, attributes, text,
 * the five predefined entities, numeric character references). It throws on anything not well formed,
 * so a test can use it as a validity check and then query the element tree.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = "[A-Za-z_][\\w.:-]*";
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function decode(raw: string, where: string): string {
  if (raw.includes("<")) throw new Error(`xml: "<" in ${where}`);
  if (raw.replace(ENTITY, "").includes("&")) throw new Error(`xml: bare "&" or unknown entity in ${where}`);
  return raw.replace(ENTITY, (entity) => ({ "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&apos;": "'" })[entity] ?? entity);
}

/** Parses a document and returns its root element; throws on the first well-formedness error. */
export function parseXml(source: string): XmlElement {
  const text = source.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const tag = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"]*")*)\\s*(/?)>`, "y");
  let position = 0;

  while (position < text.length) {
    const next = text.indexOf("<", position);
    const chunk = text.slice(position, next === -1 ? text.length : next);
    if (chunk.trim() !== "") {
      if (stack.length === 0) throw new Error(`xml: text outside the root element: ${chunk.slice(0, 40)}`);
      stack[stack.length - 1]!.text += decode(chunk, "text");
    }
    if (next === -1) break;

    tag.lastIndex = next;
    const match = tag.exec(text);
    if (match === null) throw new Error(`xml: malformed tag at offset ${next}: ${text.slice(next, next + 60)}`);
    const [whole, closing, name, attributeText, selfClosing] = match;
    position = next + whole.length;

    if (closing === "/") {
      const open = stack.pop();
      if (open?.name !== name) throw new Error(`xml: </${name}> closes <${open?.name ?? "nothing"}>`);
      continue;
    }
    const attributes: Record<string, string> = {};
    for (const attribute of attributeText!.matchAll(new RegExp(`(${NAME})\\s*=\\s*"([^"]*)"`, "g"))) {
      if (attribute[1]! in attributes) throw new Error(`xml: duplicate attribute ${attribute[1]} on <${name}>`);
      attributes[attribute[1]!] = decode(attribute[2]!, `attribute ${attribute[1]} of <${name}>`);
    }
    const element: XmlElement = { name: name!, attributes, children: [], text: "" };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(element);
    else if (root === undefined) root = element;
    else throw new Error(`xml: a second root element <${name}>`);
    if (selfClosing !== "/") stack.push(element);
  }

  if (stack.length > 0) throw new Error(`xml: <${stack[stack.length - 1]!.name}> is never closed`);
  if (root === undefined) throw new Error("xml: no root element");
  return root;
}

/** Returns every element below `root` (and root itself) for which `test` holds, in document order. */
export function findAll(root: XmlElement, test: (element: XmlElement) => boolean): XmlElement[] {
  const found = test(root) ? [root] : [];
  for (const child of root.children) found.push(...findAll(child, test));
  return found;
}
