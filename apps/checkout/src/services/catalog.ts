/** A product the store sells. */
export interface Product {
  id: number;
  name: string;
  price: number;
  stock: number;
}

/** The demo's products and their stock, in memory until the app gets its own tables. */
export class Catalog {
  readonly #products = new Map<number, Product>();

  constructor(products: Product[]) {
    for (const product of products) this.#products.set(product.id, { ...product });
  }

  find(id: number): Product | undefined {
    const product = this.#products.get(id);
    return product && { ...product };
  }

  /** Takes `quantity` of a product out of stock; refuses to go below zero. */
  reserve(id: number, quantity: number): void {
    const product = this.#products.get(id);
    if (!product || product.stock < quantity) throw new Error(`Insufficient stock for product ${id}`);
    product.stock -= quantity;
  }
}

export const demoProducts: Product[] = [
  { id: 1, name: 'Mechanical keyboard', price: 89.0, stock: 25 },
  { id: 2, name: 'USB-C dock', price: 129.5, stock: 10 },
  { id: 3, name: 'Desk lamp', price: 34.99, stock: 40 },
];
