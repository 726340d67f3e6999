import {
  type Content,
  type ContentPurchase,
  contentPurchases,
  holdsPurchaseSlotSql,
  isChargeablePriceSql,
  type Queryable,
  queryRows,
  sql,
  type TaxBehavior,
  toNullableDate,
} from '@codex/database';
import { insertConfirmationEmails } from '../outbox/enqueue-emails';
import type { OrganizationPromotionCode } from './find-promotion-code';

/** The content row a checkout needs. */
export type PurchasableContent = Pick<
  Content,
  'id' | 'organizationId' | 'title' | 'description' | 'priceCents' | 'currency' | 'status'
>;

/** The customer's purchase that holds the slot for this content, as a checkout needs it. */
export type ActivePurchase = Pick<
  ContentPurchase,
  | 'id'
  | 'status'
  | 'stripeCheckoutSessionId'
  | 'stripeCheckoutUrl'
  | 'stripeCheckoutExpiresAt'
  | 'promotionCodeId'
  | 'createdAt'
>;

/** The buyer's Stripe Customer, from `stripe_customers`. */
export interface StripeCustomerMapping {
  stripeCustomerId: string;
  /** The address last given to Stripe for this customer; null: none. */
  email: string | null;
}

/** The checkout options a new paid purchase records (they decide its amount check later). */
export interface PurchaseCheckoutTerms {
  /** Buyers may give a promotion code of the item's organization (recorded per purchase as its code). */
  allowPromotionCodes: boolean;
  allowFullyDiscounted: boolean;
  /** Automatic tax and how prices relate to it; null: automatic tax off. */
  taxBehavior: TaxBehavior | null;
  /** The platform's default fee; the organization's own (`organizations.platform_fee_*`) wins. */
  platformFee: { basisPoints: number; fixedCents: number };
}

/** What one claim found and did. */
export interface SlotClaim {
  item: PurchasableContent | undefined;
  /**
   * False when the item's price cannot be charged (`isChargeablePriceSql`: below Stripe's minimum
   * for its currency): nothing is inserted for it.
   */
  chargeable: boolean;
  /**
   * False when a promotion code was given and belongs to another organization than the item's:
   * nothing is inserted (a code never lowers another organization's price).
   */
  promotionMatches: boolean;
  active: ActivePurchase | undefined;
  /** The purchase inserted now: completed at 0 for free content, pending for paid content. */
  insertedId: string | undefined;
  /** The buyer's Stripe Customer, if one was mapped before this statement. */
  stripeCustomer: StripeCustomerMapping | undefined;
}

/**
 * One statement, one round trip: reads the content and the customer's purchase holding its slot
 * and, when the content is published, the slot is free and (for paid content) payments are
 * possible, and its price can be charged, inserts the new purchase: completed at once for free
 * content, pending for paid. The partial unique index settles a race (`ON CONFLICT DO NOTHING`:
 * the loser inserts nothing and sees the winner on its next read). All parts see one snapshot. With `customerEmail`, the new
 * purchase's contact is stored in the same statement, and a free purchase (completed at once)
 * queues its confirmation e-mail. A new paid purchase records `terms`. The buyer's Stripe Customer
 * mapping is read in the same statement (a LEFT JOIN: no extra round trip).
 */
export async function claimPurchaseSlot(
  db: Queryable,
  options: {
    customerId: string;
    contentId: string;
    canPay: boolean;
    now: Date;
    customerEmail?: string | undefined;
    terms: PurchaseCheckoutTerms;
    /** A promotion code the buyer gave, verified at Stripe: recorded on a new paid purchase. */
    promotionCode?: OrganizationPromotionCode | undefined;
  },
): Promise<SlotClaim> {
  const { customerId, contentId, canPay, now, terms } = options;
  const email = options.customerEmail ?? null;
  const promotionCodeId = options.promotionCode?.id ?? null;
  const promotionOrganizationId = options.promotionCode?.organizationId ?? null;
  const rows = await queryRows(
    db,
    sql`
    WITH item AS (
      SELECT content.id, content.organization_id, title, description, price_cents, currency, status,
             coalesce(organizations.platform_fee_basis_points, ${terms.platformFee.basisPoints}::int) AS fee_basis_points,
             coalesce(organizations.platform_fee_fixed_cents, ${terms.platformFee.fixedCents}::int) AS fee_fixed_cents,
             ${isChargeablePriceSql(sql`price_cents`, sql`currency`)} AS chargeable,
             (${promotionOrganizationId}::text IS NULL OR price_cents = 0
               OR content.organization_id::text = ${promotionOrganizationId}::text) AS promotion_matches
      FROM content JOIN organizations ON organizations.id = content.organization_id
      WHERE content.id = ${contentId}
    ),
    active AS (
      SELECT id, status, stripe_checkout_session_id, stripe_checkout_url,
             stripe_checkout_expires_at, promotion_code_id, created_at
      FROM content_purchases
      WHERE customer_id = ${customerId} AND content_id = ${contentId}
        AND ${holdsPurchaseSlotSql(contentPurchases)}
      LIMIT 1
    ),
    mapping AS (
      SELECT stripe_customer_id, email FROM stripe_customers WHERE customer_id = ${customerId}
    ),
    inserted AS (
      INSERT INTO content_purchases
        (customer_id, content_id, organization_id, price_paid_cents, currency, status, purchased_at,
         allow_promotion_codes, allow_fully_discounted, tax_behavior, promotion_code_id,
         platform_fee_basis_points, platform_fee_fixed_cents)
      SELECT ${customerId}, item.id, item.organization_id, item.price_cents, item.currency,
             CASE WHEN item.price_cents = 0 THEN 'completed' ELSE 'pending' END,
             CASE WHEN item.price_cents = 0 THEN ${now.toISOString()}::timestamptz END,
             item.price_cents > 0 AND ${promotionCodeId}::text IS NOT NULL,
             item.price_cents > 0 AND ${terms.allowFullyDiscounted}::boolean,
             CASE WHEN item.price_cents > 0 THEN ${terms.taxBehavior}::text END,
             CASE WHEN item.price_cents > 0 THEN ${promotionCodeId}::text END,
             CASE WHEN item.price_cents > 0 THEN item.fee_basis_points END,
             CASE WHEN item.price_cents > 0 THEN item.fee_fixed_cents END
      FROM item
      WHERE item.status = 'published' AND NOT EXISTS (SELECT 1 FROM active)
        AND (item.price_cents = 0 OR ${canPay}) AND item.chargeable AND item.promotion_matches
      ON CONFLICT DO NOTHING
      RETURNING id, status
    ),
    contact AS (
      INSERT INTO purchase_contacts (purchase_id, email)
      SELECT id, ${email}::text FROM inserted WHERE ${email}::text IS NOT NULL
    ),
    confirmation AS (
      ${insertConfirmationEmails(sql`SELECT id FROM inserted WHERE status = 'completed' AND ${email}::text IS NOT NULL`, now)}
    )
    SELECT item.id AS item_id, item.organization_id, item.title, item.description,
           item.price_cents, item.currency, item.status AS item_status, item.chargeable,
           item.promotion_matches,
           active.id AS active_id, active.status AS active_status,
           active.stripe_checkout_session_id, active.stripe_checkout_url,
           active.stripe_checkout_expires_at, active.promotion_code_id AS active_promotion_code_id,
           active.created_at AS active_created_at,
           inserted.id AS inserted_id,
           mapping.stripe_customer_id, mapping.email AS stripe_customer_email
    FROM item LEFT JOIN active ON true LEFT JOIN inserted ON true LEFT JOIN mapping ON true
  `,
  );
  const row = rows[0];
  if (!row) {
    return {
      item: undefined,
      chargeable: false,
      promotionMatches: false,
      active: undefined,
      insertedId: undefined,
      stripeCustomer: undefined,
    };
  }
  const stripeCustomerId = nullableString(row.stripe_customer_id);
  return {
    item: {
      id: String(row.item_id),
      organizationId: String(row.organization_id),
      title: String(row.title),
      description: row.description === null ? null : String(row.description),
      priceCents: Number(row.price_cents),
      currency: String(row.currency),
      status: row.item_status as PurchasableContent['status'],
    },
    chargeable: row.chargeable === true || row.chargeable === 't',
    promotionMatches: row.promotion_matches === true || row.promotion_matches === 't',
    active:
      row.active_id === null || row.active_id === undefined
        ? undefined
        : {
            id: String(row.active_id),
            status: row.active_status as ActivePurchase['status'],
            stripeCheckoutSessionId: nullableString(row.stripe_checkout_session_id),
            stripeCheckoutUrl: nullableString(row.stripe_checkout_url),
            stripeCheckoutExpiresAt: toNullableDate(row.stripe_checkout_expires_at),
            promotionCodeId: nullableString(row.active_promotion_code_id),
            createdAt: toNullableDate(row.active_created_at) ?? new Date(0),
          },
    insertedId: nullableString(row.inserted_id) ?? undefined,
    stripeCustomer: stripeCustomerId
      ? { stripeCustomerId, email: nullableString(row.stripe_customer_email) }
      : undefined,
  };
}

function nullableString(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}
