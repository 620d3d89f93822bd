import { renderMarkdown } from '../src/services/markdown';

type Kind = 'post' | 'comment';

const REL = 'rel="nofollow noopener"';

function decodeEntities(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(parseInt(d, 10)))
    .replace(/&colon;/gi, ':')
    .replace(/&tab;/gi, '\t')
    .replace(/&newline;/gi, '\n')
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

// Text is escaped by the sanitizer, so every literal "<" in the output starts a real tag.
function expectSafe(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/<[^>]*\son\w+\s*=/i);
  expect(html).not.toMatch(/<[^>]*(?:javascript|vbscript|data):/i);
  expect(html).not.toMatch(/<\/?(?:svg|math|iframe|style|object|embed|form|input|xmp|noscript|textarea|template)\b/i);
  expect(html).not.toContain('<!--');
  for (const m of html.matchAll(/<[^>]*\s(?:href|src)="([^"]*)"/gi)) {
    const url = decodeEntities(m[1]).replace(/[\x00-\x20]/g, '');
    expect(url).not.toMatch(/^(?:javascript|vbscript|data):/i);
    expect(url).not.toMatch(/^[/\\]{2}/);
  }
}

describe('renderMarkdown: Flasky reference outputs', () => {
  it('renders a post with script removed and a bare URL linked', () => {
    expect(renderMarkdown('Hello *world* <script>x</script> http://example.com', 'post')).toBe(
      `<p>Hello <em>world</em>  <a href="http://example.com" ${REL}>http://example.com</a></p>`,
    );
  });

  it('renders simple emphasis in a post', () => {
    expect(renderMarkdown('body of the *blog* post', 'post')).toBe('<p>body of the <em>blog</em> post</p>');
  });

  it('renders a comment inline, without <p>', () => {
    expect(renderMarkdown('Good [post](http://example.com)!', 'comment')).toBe(
      `Good <a href="http://example.com" ${REL}>post</a>!`,
    );
  });
});

describe('renderMarkdown: hostile input', () => {
  const corpus: Array<[string, string]> = [
    ['script tag', '<script>alert(1)</script>'],
    ['uppercase external script', '<SCRIPT SRC=http://evil.example/x.js></SCRIPT>'],
    ['img onerror', '<img src=x onerror=alert(1)>'],
    ['valid img with onerror', '<img src="https://ok.example/a.png" onerror="alert(1)">'],
    ['html link javascript:', '<a href="javascript:alert(1)">x</a>'],
    ['markdown link javascript:', '[x](javascript:alert(1))'],
    ['markdown link mixed case', '[x](JaVaScRiPt:alert(1))'],
    ['markdown link entity colon', '[x](javascript&#58;alert(1))'],
    ['html link entity colon', '<a href="javascript&#58;alert(1)">x</a>'],
    ['html link named entity colon', '<a href="javascript&colon;alert(1)">x</a>'],
    ['html link entity-encoded letter', '<a href="&#106;avascript:alert(1)">x</a>'],
    ['html link embedded tab/space', '<a href=" java&#x09;script:alert(1)">x</a>'],
    ['html link control char', '<a href="\u0001javascript:alert(1)">x</a>'],
    ['vbscript link', '<a href="vbscript:msgbox(1)">x</a>'],
    ['markdown data:text/html link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)'],
    ['html data:text/html link', '<a href="data:text/html,<script>alert(1)</script>">x</a>'],
    ['markdown data: image', '![x](data:image/png;base64,AAA)'],
    ['html data: image', '<img src="data:image/svg+xml,<svg onload=alert(1)>">'],
    ['protocol-relative image', '<img src="//evil.example/x.png">'],
    ['protocol-relative link', '<a href="//evil.example/">x</a>'],
    ['srcset smuggling', '<img src="https://ok.example/a.png" srcset="javascript:alert(1)">'],
    ['svg onload', '<svg onload=alert(1)>'],
    ['svg xlink', '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>'],
    ['math/style mutation XSS', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'],
    ['xmp raw text', '<xmp><img src=x onerror=1></xmp>'],
    ['noscript attribute breakout', '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'],
    ['textarea raw text', '<textarea><img src=x onerror=1></textarea>'],
    ['template content', '<template><img src=x onerror=1></template>'],
    ['html comment', '<!--<img src=x onerror=1>-->'],
    ['markdown wrapping html', '**<img src=x onerror=1>**'],
    ['link with onclick', '<a href="http://ok" onclick="x">ok</a>'],
    ['iframe', '<iframe src="https://evil.example/"></iframe>'],
    ['iframe srcdoc', '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
    ['style tag', '<style>body{background:url(javascript:alert(1))}</style>'],
    ['style attribute', '<p style="background:url(javascript:alert(1))">x</p>'],
    ['form and input', '<form action="https://evil.example"><input name=x autofocus onfocus=alert(1)></form>'],
    ['object and embed', '<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">'],
    ['autolink javascript:', '<javascript:alert(1)>'],
    ['reference link javascript:', '[x][1]\n\n[1]: javascript:alert(1)'],
    ['reference link angle-bracket javascript:', '[x][evil]\n\n[evil]: <JAVASCRIPT:alert(1)> "t"'],
    ['reference image data:', '![x][img]\n\n[img]: data:image/png;base64,AAA'],
  ];
  const kinds: Kind[] = ['post', 'comment'];
  const cases = corpus.flatMap(([name, src]) => kinds.map((kind): [string, Kind, string] => [name, kind, src]));

  it.each(cases)('%s (%s) is neutralised', (_name, kind, src) => {
    expectSafe(renderMarkdown(src, kind));
  });

  it('keeps the text of links whose URL was rejected', () => {
    expect(renderMarkdown('[x](javascript:alert(1))', 'post')).toBe('<p>x</p>');
    expect(renderMarkdown('[x][1]\n\n[1]: javascript:alert(1)', 'post')).toBe('<p>x</p>');
  });

  it('drops images that are not absolute http(s)', () => {
    expect(renderMarkdown('<img src="//evil.example/x.png">', 'post')).not.toContain('<img');
    expect(renderMarkdown('![x](data:image/png;base64,AAA)', 'post')).not.toContain('<img');
    expect(renderMarkdown('![x](relative.png)', 'post')).not.toContain('<img');
  });

  it('strips disallowed tags but keeps their text', () => {
    expect(renderMarkdown('<div class="x"><span>kept</span></div>', 'post')).toBe('kept');
  });

  it('drops the content of raw-text elements entirely', () => {
    expect(renderMarkdown('a <script>secret()</script> b', 'post')).toBe('<p>a  b</p>');
    expect(renderMarkdown('a <xmp><b>x</b></xmp> b', 'post')).toBe('<p>a  b</p>');
  });
});

describe('renderMarkdown: allowed markup in posts', () => {
  it('renders headings h1-h6 and hr', () => {
    const html = renderMarkdown('# 1\n## 2\n### 3\n#### 4\n##### 5\n###### 6\n\n---', 'post');
    expect(html).toBe('<h1>1</h1>\n<h2>2</h2>\n<h3>3</h3>\n<h4>4</h4>\n<h5>5</h5>\n<h6>6</h6>\n<hr />');
  });

  it('renders a GFM table with alignment', () => {
    const html = renderMarkdown('| a | b |\n|:-|:-:|\n| 1 | 2 |', 'post');
    expect(html).toContain('<table>');
    expect(html).toContain('<thead>');
    expect(html).toContain('<th align="left">a</th>');
    expect(html).toContain('<td align="center">2</td>');
  });

  // Fenced code now carries highlight.js classes (test/markdown-math.test.ts covers the highlighting).
  it('renders fenced code as escaped <pre><code>', () => {
    expect(renderMarkdown('```js\n<b>x</b> & y\n```', 'post')).toBe(
      '<pre><code class="hljs language-js">&lt;b&gt;x&lt;/b&gt; &amp; y\n</code></pre>',
    );
  });

  it('keeps https images with alt and title', () => {
    expect(renderMarkdown('![alt text](https://example.com/a.png "T")', 'post')).toBe(
      '<p><img src="https://example.com/a.png" alt="alt text" title="T" /></p>',
    );
  });

  it('adds rel to links, overriding user rel and dropping target', () => {
    expect(renderMarkdown('<a href="http://x.example" rel="opener" target="_blank">x</a>', 'post')).toBe(
      `<p><a href="http://x.example" ${REL}>x</a></p>`,
    );
    expect(renderMarkdown('[x](https://x.example "t")', 'post')).toBe(
      `<p><a href="https://x.example" title="t" ${REL}>x</a></p>`,
    );
  });

  it('keeps mailto links', () => {
    expect(renderMarkdown('<a href="mailto:a@b.example">m</a>', 'post')).toBe(
      `<p><a href="mailto:a@b.example" ${REL}>m</a></p>`,
    );
  });

  it('autolinks bare URLs', () => {
    expect(renderMarkdown('see www.example.com', 'post')).toBe(
      `<p>see <a href="http://www.example.com" ${REL}>www.example.com</a></p>`,
    );
    expect(renderMarkdown('see https://example.com/x', 'comment')).toBe(
      `see <a href="https://example.com/x" ${REL}>https://example.com/x</a>`,
    );
  });

  it('keeps lists, blockquotes, strikethrough, sup/sub and abbr', () => {
    const html = renderMarkdown('> q\n\n- a\n- ~~b~~\n\n<sup>1</sup><sub>2</sub> <abbr title="t">A</abbr>', 'post');
    expect(html).toContain('<blockquote>');
    expect(html).toContain('<ul>\n<li>a</li>\n<li><del>b</del></li>\n</ul>');
    expect(html).toContain('<sup>1</sup><sub>2</sub> <abbr title="t">A</abbr>');
  });
});

describe('renderMarkdown: comments', () => {
  it('keeps inline tags', () => {
    expect(renderMarkdown('*e* **s** `c` <b>b</b> <i>i</i> <acronym title="t">A</acronym>', 'comment')).toBe(
      '<em>e</em> <strong>s</strong> <code>c</code> <b>b</b> <i>i</i> <acronym title="t">A</acronym>',
    );
  });

  it('drops block tags', () => {
    const html = renderMarkdown('# h\n\n<p>para</p><h2>x</h2><ul><li>l</li></ul>![i](https://example.com/i.png)', 'comment');
    expect(html).not.toMatch(/<(?:h\d|p|ul|li|img)\b/);
    expect(html).toContain('# h');
    expect(html).toContain('para');
  });
});

describe('renderMarkdown: edge cases', () => {
  it.each(['', '   ', '\n\t\n'])('returns empty string for blank source %j', (src) => {
    expect(renderMarkdown(src, 'post')).toBe('');
    expect(renderMarkdown(src, 'comment')).toBe('');
  });

  it('is deterministic', () => {
    const src = 'x *y* http://a.example <b>z</b>\n\n| a |\n|---|\n| 1 |';
    expect(renderMarkdown(src, 'post')).toBe(renderMarkdown(src, 'post'));
  });
});
