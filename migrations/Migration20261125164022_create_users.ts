import { Migration } from '@mikro-orm/migrations';

/** Creates `users` as in spec §2: twelve columns, primary key user_id, two indexes, utf8mb4. */
export class Migration20261125164022_create_users extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create table `users` (' +
        '`user_id` varchar(24) not null, ' +
        '`email` varchar(255) not null, ' +
        '`phone` varchar(50) null, ' +
        '`display_name` varchar(100) not null, ' +
        '`avatar` text null, ' +
        '`bio` varchar(500) null, ' +
        '`version` int not null default 1, ' +
        '`deleted_at` datetime(6) null, ' +
        '`created_at` datetime(6) not null, ' +
        '`updated_at` datetime(6) not null, ' +
        '`event_id` varchar(36) null, ' +
        '`event_timestamp` datetime(6) null, ' +
        'primary key (`user_id`)' +
        ') default character set utf8mb4 collate utf8mb4_unicode_ci engine = InnoDB;',
    );
    this.addSql('alter table `users` add index `idx_users_email`(`email`);');
    this.addSql('alter table `users` add index `idx_users_created`(`created_at`);');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists `users`;');
  }
}
