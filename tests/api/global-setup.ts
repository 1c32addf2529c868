// Tears the shared Strapi down once, after the last file.
export default function setup() {
  return async () => {
    const s = (globalThis as any).__xuejiStrapi;
    if (s) await s.destroy();
  };
}
