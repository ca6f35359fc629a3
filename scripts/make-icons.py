# Draws the package's icons: a rounded tile with the provider's initials and a small "hook" arc.
# Light icons: coloured tile, white letters. Dark icons: lighter tile, dark letters, legible on n8n's dark canvas.
import os
ICONS = {
    'smp': ('SMP', '#2563eb', '#93c5fd'),
    'smartcomply': ('SC', '#059669', '#6ee7b7'),
    'smartlyq': ('SQ', '#7c3aed', '#c4b5fd'),
    'smartmaintenance': ('SM', '#ea580c', '#fdba74'),
    'smartermeasure': ('M', '#0891b2', '#67e8f9'),
}
def svg(text, tile, ink):
    size = 26 if len(text) <= 2 else 20
    return f'''<svg xmlns="http://www.w3.org/2000/svg" width="60" height="60" viewBox="0 0 60 60">
  <rect x="2" y="2" width="56" height="56" rx="12" fill="{tile}"/>
  <path d="M44 40a9 9 0 1 1-6-15" fill="none" stroke="{ink}" stroke-width="3" stroke-linecap="round" opacity="0.55"/>
  <text x="30" y="{30 + size * 0.36:.0f}" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" font-weight="700" font-size="{size}" fill="{ink}">{text}</text>
</svg>
'''
targets = {
    'smp': ['nodes/SmpTrigger', 'credentials'],
    'smartcomply': ['nodes/SmartComplyTrigger', 'credentials'],
    'smartlyq': ['nodes/SmartlyQTrigger', 'credentials'],
    'smartmaintenance': ['nodes/SmartMaintenanceTrigger', 'credentials'],
    'smartermeasure': ['nodes/SmarterMeasureTrigger', 'credentials'],
}
for name, (text, dark_tile_light_mode, light_tile) in ICONS.items():
    for folder in targets[name]:
        os.makedirs(folder, exist_ok=True)
        open(f'{folder}/{name}.svg', 'w').write(svg(text, dark_tile_light_mode, '#ffffff'))
        open(f'{folder}/{name}.dark.svg', 'w').write(svg(text, light_tile, '#111827'))
