import { AVATARS } from '../schemas.js'

const EMOJI: Record<typeof AVATARS[number], { glyph: string, bg: string }> = {
  lion: { glyph: '🦁', bg: '#f4c36a' },
  zebra: { glyph: '🦓', bg: '#d9d9d9' },
  giraffe: { glyph: '🦒', bg: '#f1d28c' },
  elephant: { glyph: '🐘', bg: '#b9c7d6' },
  hippo: { glyph: '🦛', bg: '#c9b3d9' },
  rhino: { glyph: '🦏', bg: '#c4cfc0' },
  leopard: { glyph: '🐆', bg: '#f0b878' },
  monkey: { glyph: '🐒', bg: '#d8b48f' }
}

export function avatarGlyph (name: typeof AVATARS[number]): string {
  return EMOJI[name].glyph
}

export function isAvatar (name: string): name is typeof AVATARS[number] {
  return (AVATARS as readonly string[]).includes(name)
}

/** A self-contained picture, so CXone can show the animal's avatar without the widget's JavaScript. */
export function avatarSvg (name: typeof AVATARS[number]): string {
  const { glyph, bg } = EMOJI[name]
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="${name}">` +
    `<circle cx="32" cy="32" r="32" fill="${bg}"/><text x="32" y="43" font-size="34" text-anchor="middle">${glyph}</text></svg>`
}
