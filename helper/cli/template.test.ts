import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatList } from './format.js';
import { naturalCompare, tabwrite } from './table.js';
import { goString, parseTemplate, render, TemplateError } from './template.js';

const t = (src: string, data: unknown) => render(parseTemplate(src), data);
const net = {
  Name: 'n',
  IPAM: { Config: [{ Subnet: '10.0.0.0/24' }, { Subnet: 'fd00::/64' }] },
  Labels: { b: '2', a: '1' },
  Containers: { x: { Name: 'c1' } },
  Internal: false,
};

describe('template subset', () => {
  it('evaluates fields, json, index, join, range, if', () => {
    assert.equal(t('{{.Name}} {{ .IPAM.Config }}', net), 'n [map[Subnet:10.0.0.0/24] map[Subnet:fd00::/64]]');
    assert.equal(t('{{json .Labels}}', net), '{"b":"2","a":"1"}');
    assert.equal(t('{{index .Labels "a"}}', net), '1');
    assert.equal(t('{{.Labels}}', net), 'map[a:1 b:2]');
    assert.equal(t('{{range .IPAM.Config}}{{.Subnet}},{{end}}', net), '10.0.0.0/24,fd00::/64,');
    assert.equal(t('{{range $id, $c := .Containers}}{{$id}}={{$c.Name}}{{end}}', net), 'x=c1');
    assert.equal(t('{{if .Internal}}yes{{else}}no{{end}}', net), 'no');
    assert.equal(t('{{.Missing}}', net), '<no value>');
    assert.equal(t('{{json .}}', { a: '<b>' }), '{"a":"\\u003cb\\u003e"}');
  });

  it('reports template errors', () => {
    assert.throws(() => t('{{range .X}}', net), TemplateError);
    assert.throws(() => t('{{nosuchfn .X}}', net), /function "nosuchfn" not defined/);
    assert.throws(() => t('{{.Name.Deeper}}', net), /can't evaluate field Deeper/);
  });

  it('prints like Go fmt', () => {
    assert.equal(goString([1, true, null]), '[1 true <nil>]');
    assert.equal(goString({}), 'map[]');
  });

  it('lays out tables like docker (minwidth 10, padding 3) and sorts names naturally', () => {
    assert.equal(tabwrite(['A\tLONGER-CELL\tZ', 'bb\tc\tzz']), 'A         LONGER-CELL   Z\nbb        c             zz\n');
    assert.deepEqual(['n10', 'n9', 'b', 'a2'].sort(naturalCompare), ['a2', 'b', 'n9', 'n10']);
  });

  it('formats lists: table prefix, plain rows, literal \\t', () => {
    const rows = [{ ID: '1', Name: 'x' }];
    const headers = { ID: 'ID', Name: 'NAME' };
    assert.equal(formatList(rows, headers, 'table {{.ID}}\\t{{.Name}}'), 'ID        NAME\n1         x\n');
    assert.equal(formatList(rows, headers, '{{.Name}}:{{.ID}}'), 'x:1\n');
    assert.equal(formatList(rows, headers, '{{json .}}'), '{"ID":"1","Name":"x"}\n');
  });
});
