# Draws the package's icons (run from the repository root: python3 scripts/make-icons.py).
# A rounded tile with one simple glyph per provider, no text (fonts differ between systems and letters blur at
# n8n's 16 px), strokes at least 4.5/60 so they stay visible at 16 px.
# Light icons: coloured tile, white glyph. Dark icons: lighter tile, dark glyph, legible on n8n's dark canvas.
# Nodes and credentials share a provider's icon: one pair per provider in icons/ (n8n-nodes-starter's layout).
import os

ICONS = {
    # a clipboard with a task list: SMP's projects and tester tasks (a bare check mark read as a ticked checkbox)
    'smp': ('#2563eb', '#93c5fd',
        '<rect x="17" y="15" width="26" height="33" rx="3" fill="none" stroke="{c}" stroke-width="4.5"/>'
        '<path d="M25 14 h10" stroke="{c}" stroke-width="6" stroke-linecap="round"/>'
        '<path d="M23.5 27 h13 M23.5 36 h9" stroke="{c}" stroke-width="4.5" stroke-linecap="round"/>'),
    # a shield with a check: compliance
    'smartcomply': ('#0f766e', '#5eead4',
        '<path d="M30 12 l15 6 v11 c0 10 -6.5 16 -15 19 c-8.5 -3 -15 -9 -15 -19 v-11 z" fill="none" stroke="{c}" stroke-width="4.5" stroke-linejoin="round"/>'
        '<path d="M23 30 l5 5 l9 -10" fill="none" stroke="{c}" stroke-width="4.5" stroke-linecap="round" stroke-linejoin="round"/>'),
    # a speech bubble: social posts and chatbot messages
    'smartlyq': ('#7c3aed', '#c4b5fd',
        '<path d="M14 17 h32 a3 3 0 0 1 3 3 v17 a3 3 0 0 1 -3 3 h-17 l-9 8 v-8 h-6 a3 3 0 0 1 -3 -3 v-17 a3 3 0 0 1 3 -3 z" fill="none" stroke="{c}" stroke-width="4.5" stroke-linejoin="round"/>'
        '<path d="M21 28.5 h18" stroke="{c}" stroke-width="4.5" stroke-linecap="round"/>'),
    # a wrench: maintenance tasks and repair requests
    'smartmaintenance': ('#c2410c', '#fdba74',
        '<path d="M18 42 l14 -14" stroke="{c}" stroke-width="7" stroke-linecap="round"/>'
        '<path d="M30.5 22.5 a9.5 9.5 0 0 1 13 -8 l-6 6 l1.5 4.5 l4.5 1.5 l6 -6 a9.5 9.5 0 0 1 -8 13 a9.5 9.5 0 0 1 -11 -11 z" fill="{c}"/>'),
    # a gauge: assessment scores
    'smartermeasure': ('#15803d', '#86efac',
        '<path d="M15 40 a15 15 0 0 1 30 0" fill="none" stroke="{c}" stroke-width="4.5" stroke-linecap="round"/>'
        '<path d="M30 40 l9 -11" stroke="{c}" stroke-width="4.5" stroke-linecap="round"/>'
        '<circle cx="30" cy="40" r="4" fill="{c}"/>'),
}


def svg(tile, glyph, ink):
    shapes = glyph.format(c=ink).replace('/><', '/>\n  <')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="60" viewBox="0 0 60 60">\n'
        f'  <rect x="2" y="2" width="56" height="56" rx="12" fill="{tile}"/>\n'
        f'  {shapes}\n'
        '</svg>\n'
    )


os.makedirs('icons', exist_ok=True)
for name, (tile, dark_tile, glyph) in ICONS.items():
    with open(f'icons/{name}.svg', 'w') as f:
        f.write(svg(tile, glyph, '#ffffff'))
    with open(f'icons/{name}.dark.svg', 'w') as f:
        f.write(svg(dark_tile, glyph, '#111827'))
